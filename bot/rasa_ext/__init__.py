"""Components the Rasa server loads by module path (credentials.yml, endpoints.yml,
deploy/endpoints.yml, config.yml): the only package of `bot/` that imports Rasa."""
