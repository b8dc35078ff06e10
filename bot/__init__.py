"""Everything around Rasa. The folders say where code runs:

- `domain/`   pure rules (identifiers, hours, hand-over, tokens, answers), imported anywhere;
- `clients/`  one client per external service (the backend, the tracker-store database);
- `rasa_ext/` components the Rasa server loads (channel, stores, speed-up);
- `backend/`  the account backend process; `web/` the web server process;
- `ops/`      launchers and operator commands, never imported by a served process;
- `config.py` every setting, read from the environment in one place.
"""
