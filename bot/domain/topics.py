"""The French names of the intents, as customers and agents read them: one home for the
clarification buttons, the summaries left for agents and the agents' page."""

# The FAQ topics as the customer sees them (buttons, clarification questions, summaries).
TOPIC_NAMES = {
    "create_account": "Créer un compte",
    "find_invoices": "Mes factures",
    "manage_addresses": "Adresses de livraison ou de facturation",
    "duplicate_accounts": "J'ai deux comptes",
    "change_password": "Changer de mot de passe",
    "forgot_password": "Mot de passe oublié",
    "update_personal_data": "Modifier mes informations personnelles",
    "log_out": "Me déconnecter",
    "delete_account": "Supprimer mon compte",
    "login_problem": "Problème de connexion",
    "request_human": "Parler à un conseiller",
    "opening_hours": "Horaires du service client",
}

# Every intent of the catalogue, for the agents' page (the topics above, and the rest).
INTENT_LABELS = {
    **TOPIC_NAMES,
    "greet": "Salutation",
    "goodbye": "Au revoir",
    "thank": "Remerciement",
    "affirm": "Oui",
    "deny": "Non",
    "inform": "Information donnée (e-mail, numéro)",
    "bot_challenge": "Êtes-vous un robot\u00a0?",
    "out_of_scope": "Hors du compte client",
}
