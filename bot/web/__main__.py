"""`python -m bot.web`: the web server on WEB_HOST:WEB_PORT. Its settings are read here,
once, and handed to the app factory."""

import logging
import sys

from bot.config import load_settings
from bot.web.app import create_app


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = load_settings()
        app = create_app(config)
    except (ValueError, OSError) as error:  # a placeholder, no agent, no accounts file...
        logging.getLogger("bot.web").error("cannot serve: %s", error)
        return 2
    app.run(host=config.web.host, port=config.web.port, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
