"""The shop's rules, pure: identifiers, phone hours, hand-over text, customer tokens,
account answers. No Rasa, no HTTP, no database: every served process may import it."""
