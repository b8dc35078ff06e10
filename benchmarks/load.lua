-- wrk script: POST chat turns to Rasa's REST channel, cycling through typical
-- customer messages. Every request is the first turn of a new conversation
-- (its own sender): wrk cannot tie a request to a connection, and two messages
-- of one sender at once would wait for each other in Rasa's lock store, which
-- polls once a second. The multi-turn cost is measured sequentially (turn_ms).
local messages = {
  "bonjour",
  "j'ai oublié mon mot de passe",
  "où trouver mes factures ?",
  "comment changer mon adresse de livraison",
  "je veux parler à un conseiller",
  "comment me déconnecter",
  "merci",
}
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function request()
  counter = counter + 1
  local sender = string.format("bench-%d-%d", thread_id, counter)
  local message = messages[(counter % #messages) + 1]
  local body = string.format('{"sender":"%s","message":"%s"}', sender, message)
  return wrk.format("POST", "/webhooks/rest/webhook", {["Content-Type"] = "application/json"}, body)
end
