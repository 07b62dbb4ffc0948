"""gunicorn reads this file when started from the repository's root: the settings are in service/gunicorn_conf.py."""

from service.gunicorn_conf import *  # noqa: F403
