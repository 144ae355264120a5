"""The thin staff web UI: reads the read model, writes only through workflow Updates and Signals."""
