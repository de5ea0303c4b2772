"""storymap: reported city stories as an interactive, geographically exact map."""

__all__ = ["create_app"]


def __getattr__(name):
    # Flask is imported only when the web app is asked for, so the pipeline
    # and its CLI commands stay free of the web layer.
    if name == "create_app":
        from .web import create_app

        return create_app
    raise AttributeError(f"module 'storymap' has no attribute {name!r}")
