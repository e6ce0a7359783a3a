"""Views: plots and the Solara web UI."""
