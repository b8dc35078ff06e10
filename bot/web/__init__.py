"""The web side: demo shop page with the chat widget, and the agents' answer assistant."""
