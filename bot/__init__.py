"""Everything around Rasa: configuration, business rules and process supervision."""
