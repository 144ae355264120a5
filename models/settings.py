"""Every setting of the worker, web app and CLI, from environment variables (COMPLAINTS_ prefix optional)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    temporal_address: str = Field(default="localhost:7233", alias="TEMPORAL_ADDRESS")
    temporal_namespace: str = Field(default="default", alias="TEMPORAL_NAMESPACE")
    task_queue: str = Field(default="complaints", alias="COMPLAINTS_TASK_QUEUE")
    database_url: str = Field(default="sqlite:///var/complaints.db", alias="DATABASE_URL")
    temporal_ui_url: str = Field(default="http://localhost:8233", alias="TEMPORAL_UI_URL")
