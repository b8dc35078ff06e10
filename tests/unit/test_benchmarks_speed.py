"""The pure parts of the speed benchmark: the plain Rasa bot made from our files, Locust's
CSV, the profiles and the report's verdicts. No server, no training: about a second."""

from __future__ import annotations

import copy
import os
import sys
import time

import pytest
import yaml

from benchmarks.anchor import (
    anchor_domain,
    anchor_files,
    anchor_rules,
    answers_by_intent,
    content_hash,
    default_config,
)
from benchmarks.flame import (
    flamegraph_svg,
    parse_collapsed,
    short_frame,
    top_frames,
    without_idle,
)
from benchmarks.load import CONVERSATION, parse_stats, turn
from benchmarks.report import side_by_side, targets
from benchmarks.turn_cost import process_group_cpu_seconds, summary
from bot.config import PROJECT_ROOT

RESPONSES = {
    "utter_faq": [{"text": "Allez dans « Mes factures »."}],
    "utter_anything_else": [{"text": "Autre chose ?", "buttons": [{"title": "Oui"}]}],
    "utter_out_of_scope": [{"text": "Je ne sais pas."}],
    "utter_with_slot": [{"text": "C'est envoyé à {email}."}],
    "utter_greet": [{"text": "Bonjour !"}],
}
RULES = [
    {
        "rule": "faq, personalised",
        "steps": [
            {"intent": "find_invoices"},
            {"action": "utter_faq"},
            {"action": "action_answer_invoices"},
            {"action": "utter_anything_else"},
        ],
    },
    {"rule": "out of scope", "steps": [{"intent": "out_of_scope"}, {"action": "action_repair"}]},
    {"rule": "yes", "steps": [{"intent": "affirm"}, {"action": "action_repair"}]},
    {
        "rule": "form",
        "steps": [{"intent": "forgot_password"}, {"action": "utter_with_slot"}],
    },
    {
        "rule": "form ends",
        "condition": [{"active_loop": "f"}],
        "steps": [{"action": "f"}, {"active_loop": None}],
    },
    {
        "rule": "no further question",
        "steps": [{"action": "utter_anything_else"}, {"intent": "deny"}, {"action": "utter_greet"}],
    },
    {"rule": "greet", "steps": [{"intent": "greet"}, {"action": "utter_greet"}]},
    {"rule": "greet again", "steps": [{"intent": "greet"}, {"action": "utter_faq"}]},
]


def test_answers_keep_the_utterances_of_each_rule_in_order_without_actions():
    assert answers_by_intent(RULES, RESPONSES) == {
        "find_invoices": ["utter_faq", "utter_anything_else"],
        "out_of_scope": ["utter_out_of_scope"],
        "greet": ["utter_greet"],
    }


@pytest.mark.parametrize(
    "intent, why",
    [
        ("affirm", "only an action, and no utter_affirm"),
        ("forgot_password", "its only response needs a slot"),
        ("deny", "its rule starts with an action: it needs the conversation"),
    ],
)
def test_intents_a_plain_bot_cannot_answer_get_no_rule(intent, why):
    assert intent not in answers_by_intent(RULES, RESPONSES), why


def test_first_rule_of_an_intent_wins():
    assert answers_by_intent(RULES, RESPONSES)["greet"] == ["utter_greet"]


def test_domain_keeps_every_intent_and_only_the_responses_said():
    domain = {
        "version": "3.1",
        "session_config": {"session_expiration_time": 60},
        "intents": ["find_invoices", "greet", "affirm"],
        "entities": ["email"],
        "slots": {"email": {"type": "text"}},
        "forms": {"f": {}},
        "actions": ["action_repair"],
        "responses": copy.deepcopy(RESPONSES),
    }
    answers = answers_by_intent(RULES, RESPONSES)
    made = anchor_domain(domain, answers)
    assert made["intents"] == ["find_invoices", "greet", "affirm"]
    assert made["entities"] == ["email"]
    assert set(made["responses"]) == {
        "utter_faq",
        "utter_anything_else",
        "utter_out_of_scope",
        "utter_greet",
    }
    assert not {"slots", "forms", "actions"} & set(made)


def test_rules_are_intent_then_responses():
    rules = anchor_rules({"greet": ["utter_greet"]})["rules"]
    assert rules == [
        {"rule": "answer greet", "steps": [{"intent": "greet"}, {"action": "utter_greet"}]}
    ]


def test_default_config_is_rasas_in_french_and_epochs_only_change_epochs():
    full, quick = default_config(), default_config(epochs=2)
    assert full["language"] == "fr"
    names = [c["name"] for c in full["pipeline"]]
    assert names[0] == "WhitespaceTokenizer" and "DIETClassifier" in names
    assert [p["name"] for p in full["policies"]] == [
        "MemoizationPolicy",
        "RulePolicy",
        "UnexpecTEDIntentPolicy",
        "TEDPolicy",
    ]
    assert {c.get("epochs") for c in full["pipeline"] + full["policies"]} == {None, 100}
    assert {c.get("epochs") for c in quick["pipeline"] + quick["policies"]} == {None, 2}
    strip = lambda cfg: [{k: v for k, v in c.items() if k != "epochs"} for c in cfg["pipeline"]]  # noqa: E731
    assert strip(full) == strip(quick)


def test_anchor_made_from_the_project_answers_the_faq_without_custom_actions():
    files = anchor_files()
    domain = yaml.safe_load(files["domain.yml"])
    rules = yaml.safe_load(files["data/rules.yml"])["rules"]
    actions = [s["action"] for r in rules for s in r["steps"] if "action" in s]
    assert actions and all(a in domain["responses"] for a in actions)
    answered = {r["steps"][0]["intent"] for r in rules}
    assert {
        "greet",
        "find_invoices",
        "forgot_password",
        "request_human",
        "bot_challenge",
    } <= answered


def test_hash_follows_content_and_rasa_version():
    files = {"a.yml": "x", "b.yml": "y"}
    assert content_hash(files, "3.6.21") == content_hash(dict(reversed(files.items())), "3.6.21")
    assert content_hash(files, "3.6.21") != content_hash({**files, "a.yml": "z"}, "3.6.21")
    assert content_hash(files, "3.6.21") != content_hash(files, "3.6.20")


HEADER = ",".join(
    ["Type", "Name", "Request Count", "Failure Count", "Median Response Time"]
    + ["Average Response Time", "Min Response Time", "Max Response Time"]
    + ["Average Content Size", "Requests/s", "Failures/s"]
    + ["50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"]
)
FIGURES = "1234,2,240,262.7,12,1900,512,41.13,0.07,240,270,300,320,380,450,600,1100,1800,1900,1900"
STATS_CSV = f"{HEADER}\nPOST,turn,{FIGURES}\n,Aggregated,{FIGURES}\n"


def test_locust_summary_is_read_from_the_aggregated_row():
    assert parse_stats(STATS_CSV) == {
        "turns": 1234,
        "errors": 2,
        "turns_per_s": 41.13,
        "p50_ms": 240.0,
        "p99_ms": 1100.0,
        "mean_ms": 262.7,
    }


def test_a_run_without_requests_reads_as_zeros():
    empty = HEADER + "\n,Aggregated,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n"
    assert parse_stats(empty)["turns"] == 0 and parse_stats(empty)["p99_ms"] == 0.0


def test_long_conversation_plays_the_conversation_again():
    assert len(CONVERSATION) == 10
    assert turn(0) == turn(10) == turn(290) == CONVERSATION[0]
    assert turn(299) == CONVERSATION[-1]


SERVER = "<module> (rasa/__main__.py);run (sanic/app.py)"
RULES_FRAMES = (
    "predict (rasa/core/policies/rule_policy.py);_find (rasa/core/policies/rule_policy.py)"
)
RAW = f"{SERVER};{RULES_FRAMES} 60\n{SERVER};save (rasa/core/tracker_store.py) 30\n{SERVER} 10\n"


def test_top_frames_count_self_and_total_in_percent_of_samples():
    top = top_frames(parse_collapsed(RAW))
    assert top["samples"] == 100
    assert top["self"][0] == {"frame": "_find (rasa/core/policies/rule_policy.py)", "percent": 60.0}
    total = {t["frame"]: t["percent"] for t in top["total"]}
    assert total["predict (rasa/core/policies/rule_policy.py)"] == 60.0
    assert "run (sanic/app.py)" not in total, "on every stack: the main loop says nothing"


def test_recursion_counts_once_in_total():
    top = top_frames(parse_collapsed("a (x.py);a (x.py);a (x.py) 5\nb (y.py) 5\n"))
    assert {t["frame"]: t["percent"] for t in top["total"]}["a (x.py)"] == 50.0


def test_frames_lose_the_site_packages_prefix():
    frame = "predict (/work/main/.venv/lib/python3.10/site-packages/rasa/core/agent.py)"
    assert short_frame(frame) == "predict (rasa/core/agent.py)"
    assert short_frame("run (/root/.pyenv/versions/3.10.13/lib/python3.10/asyncio/events.py)") == (
        "run (asyncio/events.py)"
    )


def test_flame_graph_is_svg_with_a_box_per_frame():
    svg = flamegraph_svg(parse_collapsed(RAW), "rasa <test>")
    assert svg.startswith("<svg") and "rasa &lt;test&gt;" in svg
    assert svg.count("<rect") == 1 + 1 + 5  # background, root, five distinct frames


def _bot(levels, ready=10.0, memory=None):
    return {
        "ready_seconds": {"rasa": ready, "total": ready},
        "levels": [
            {"users": u, "turns_per_s": t, "p50_ms": p50, "p99_ms": p99, "errors": e}
            for u, t, p50, p99, e in levels
        ],
        "memory_mb": {"rest": {}, "load": memory or {"rasa": 900.0}},
    }


def test_targets_compare_ours_with_the_plain_bot_of_the_same_run():
    speed = {
        "bots": {
            "anchor": _bot([(1, 50, 17, 30, 0), (16, 60, 245, 530, 0)]),
            "ours": _bot(
                [(1, 40, 24, 50, 0), (16, 95, 150, 290, 0)],
                ready=14,
                memory={"rasa": 1000.0, "actions": 300.0},
            ),
        },
        "long_conversation": {
            "turns": 300,
            "p50_ms_last_10": 40.0,
            "p50_ms_10_turn": 25.0,
            "ratio": 1.6,
        },
    }
    verdicts = [row[2] for row in targets(speed)]
    assert verdicts == ["holds", "holds", "holds", "**missed**", "holds", "**missed**"]
    assert "1.58×" in targets(speed)[0][1]
    assert "| 16 | 60 | 95 | 1.58× |" in side_by_side(speed)


def test_our_frames_are_relative_to_the_project():
    assert short_frame(f"run ({PROJECT_ROOT}/actions/repair.py)") == "run (actions/repair.py)"


def test_threads_waiting_in_c_are_left_out():
    stacks = parse_collapsed(
        f"{SERVER};serve (sanic/server/runners.py) 50\n"
        "_bootstrap (threading.py);_worker (concurrent/futures/thread.py) 30\n"
        f"{SERVER};save (rasa/core/tracker_store.py) 20\n"
    )
    assert sum(without_idle(stacks).values()) == 20


def test_turn_cost_reads_this_process_cpu_time_and_summarises_windows_of_ten_turns():
    before = process_group_cpu_seconds(os.getpgid(0))
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    assert process_group_cpu_seconds(os.getpgid(0)) - before >= 0.2

    samples = [{"wall_ms": float(i), "rasa_cpu_ms": 10.0 * (i % 2)} for i in range(100)]
    assert summary(samples, 100) == [
        {"turns": "1-10", "wall_ms_p50": 4.5, "rasa_cpu_ms": 5.0},
        {"turns": "91-100", "wall_ms_p50": 94.5, "rasa_cpu_ms": 5.0},
    ]


def _slow_server(name: str, delay: float):
    from bot.ops.supervisor import ServiceSpec, free_port

    port = free_port()
    code = (
        f"import time, http.server; time.sleep({delay}); http.server.HTTPServer("
        f"('127.0.0.1', {port}), http.server.SimpleHTTPRequestHandler).serve_forever()"
    )
    return ServiceSpec(name, [sys.executable, "-c", code], f"http://127.0.0.1:{port}/", cwd=None)


def test_the_services_of_a_stage_start_together_and_each_is_timed(tmp_path):
    # make run's bot is one stage (bot.ops.stack.bot_stages): ready when its slowest is.
    from benchmarks.speed import start_timed
    from bot.ops.supervisor import Stack

    stack = Stack([[_slow_server("first", 2.5), _slow_server("second", 2.5)]], tmp_path)
    try:
        ready = start_timed(stack)
    finally:
        stack.stop()
    assert ready["first"] >= 2.5 and ready["second"] >= 2.5
    assert ready["total"] < 4.5  # one after the other: at least 5 s


def test_an_intent_answered_by_an_action_alone_gets_its_intro():
    rules = [{"rule": "hours", "steps": [{"intent": "hours"}, {"action": "action_hours"}]}]
    responses = {"utter_hours_intro": [{"text": "Notre service client vous répond."}]}
    assert answers_by_intent(rules, responses) == {"hours": ["utter_hours_intro"]}


def test_the_plain_bot_answers_every_intent_of_the_load():
    """The load's ten turns (greeting, password, « non merci », invoices, address, thanks,
    a person, hours, robot, goodbye): an intent without a rule in the plain bot gets an
    empty reply, counted as an error (session 23: the hours, answered by an action)."""
    rules = yaml.safe_load(anchor_files()["data/rules.yml"])["rules"]
    answered = {rule["steps"][0]["intent"] for rule in rules}
    load_intents = {"greet", "find_invoices", "manage_addresses", "thank", "request_human"}
    assert load_intents | {"opening_hours", "bot_challenge", "goodbye"} <= answered
