-- The complaints read model gets its own database and role, beside Temporal's.
CREATE ROLE complaints LOGIN PASSWORD 'complaints';
CREATE DATABASE complaints OWNER complaints;
