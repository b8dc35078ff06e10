"""Agents' named accounts (bot/domain/agents.py), their CLI (bot/ops/agents.py) and the
log-in back-off (bot/web/throttle.py)."""

import pytest

from bot.config import PROJECT_ROOT, load_settings
from bot.domain.agents import AgentAccounts, account_entry
from bot.ops import agents as cli
from bot.ops.stack import web_spec, with_run_secrets
from bot.web.app import agent_accounts
from bot.web.throttle import LoginThrottle, Throttle, address_key


@pytest.fixture(scope="module")
def accounts() -> AgentAccounts:
    entries = [account_entry("camille", "mot de passe de Camille"), account_entry("dominique", "d")]
    return AgentAccounts.parse("# the support team\n" + entries[0] + "\n\n" + entries[1] + "\n")


@pytest.mark.parametrize(
    "name, password, expected",
    [
        ("camille", "mot de passe de Camille", True),
        ("dominique", "d", True),
        ("camille", "d", False),
        ("dominique", "mot de passe de Camille", False),
        ("nobody", "d", False),
        ("", "", False),
    ],
)
def test_each_agent_logs_in_with_their_own_password(accounts, name, password, expected):
    assert accounts.verify(name, password) is expected


def test_only_hashes_are_kept(accounts):
    line = account_entry("camille", "mot de passe de Camille")
    assert line.startswith("camille:$argon2id$") and "mot de passe" not in line
    assert accounts.names == {"camille", "dominique"}


@pytest.mark.parametrize(
    "text",
    [
        "change-me",
        "agent:change-me",
        "agent:motdepasse",
        "Camille:$argon2id$v=19$m=65536,t=3,p=4$abc$def",
        "camille:$argon2i$v=19$m=65536,t=3,p=4$abc$def",
    ],
)
def test_entries_that_are_not_hashes_are_refused(text):
    with pytest.raises(ValueError, match="entry 1"):
        AgentAccounts.parse(text)


def test_an_agent_given_twice_is_refused():
    entry = account_entry("camille", "x")
    with pytest.raises(ValueError, match="twice"):
        AgentAccounts.parse(f"{entry} {entry}")


def test_the_web_server_refuses_to_start_without_agents():
    settings = load_settings({"WEB_SESSION_SECRET": "s" * 32})
    with pytest.raises(ValueError, match="no agent account"):
        agent_accounts(settings)


def test_accounts_come_from_the_variable_and_the_file(tmp_path):
    path = tmp_path / "agents"
    path.write_text(f"# team\n{account_entry('dominique', 'd')}\n", encoding="utf-8")
    settings = load_settings(
        {"AGENT_ACCOUNTS": account_entry("camille", "c"), "AGENT_ACCOUNTS_FILE": str(path)}
    )
    assert agent_accounts(settings).names == {"camille", "dominique"}
    with pytest.raises(ValueError, match="AGENT_ACCOUNTS_FILE"):
        load_settings({"AGENT_ACCOUNTS_FILE": "change-me"})


def test_make_run_makes_a_demo_agent_only_when_none_is_configured():
    demo = with_run_secrets(load_settings({}))
    assert demo.web.agent_username == "agent" and len(demo.web.agent_password) >= 16
    assert agent_accounts(demo).verify("agent", demo.web.agent_password)
    env = web_spec(demo).env
    assert env["AGENT_ACCOUNTS"] == demo.web.agent_accounts and "AGENT_PASSWORD" not in env
    chosen = with_run_secrets(load_settings({"AGENT_PASSWORD": "mon-mot-de-passe"}))
    assert agent_accounts(chosen).verify("agent", "mon-mot-de-passe")
    team = with_run_secrets(load_settings({"AGENT_ACCOUNTS": account_entry("camille", "c")}))
    assert agent_accounts(team).names == {"camille"} and team.web.agent_password is None
    # Settings made for a run, made again (the cluster's on top of the stack's): same agent.
    again = with_run_secrets(demo)
    assert again.web.agent_password == demo.web.agent_password
    assert agent_accounts(again).verify("agent", again.web.agent_password)


def test_the_cli_prints_the_line_of_a_typed_password(capsys):
    typed = iter(["un mot de passe assez long"] * 2)
    assert cli.main(["add", "camille"], ask=lambda prompt: next(typed)) == 0
    line = capsys.readouterr().out.strip()
    assert AgentAccounts.parse(line).verify("camille", "un mot de passe assez long")


@pytest.mark.parametrize(
    "argv, typed, error",
    [
        (["add", "camille"], ["court", "court"], "12 to"),
        (["add", "camille"], ["un mot de passe assez long", "un autre"], "differ"),
        (["add", "Camille Martin"], ["un mot de passe assez long"] * 2, "agent name"),
    ],
)
def test_the_cli_refuses_bad_input(capsys, argv, typed, error):
    answers = iter(typed)
    assert cli.main(argv, ask=lambda prompt: next(answers)) == 2
    output = capsys.readouterr()
    assert error in output.err and output.out == ""


def test_the_cli_can_make_up_the_password(capsys):
    assert cli.main(["add", "dominique", "--generate"]) == 0
    output = capsys.readouterr()
    password = output.err.strip().rsplit(" ", 1)[1]
    assert AgentAccounts.parse(output.out).verify("dominique", password)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_beyond_the_free_ones_lock_for_twice_as_long_each_time():
    clock = Clock()
    throttle = Throttle(free=3, longest=60, clock=clock)
    locks = []
    for _ in range(10):
        assert throttle.retry_after("k") == 0
        throttle.failed("k")
        locks.append(throttle.retry_after("k"))
        clock.now += locks[-1]
    assert locks == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60]


def test_a_success_or_an_hour_without_failure_forgets_the_failures():
    clock = Clock()
    throttle = Throttle(free=1, clock=clock)
    throttle.failed("a")
    throttle.failed("a")
    assert throttle.retry_after("a") == 1
    throttle.succeeded("a")
    assert throttle.retry_after("a") == 0
    throttle.failed("b")
    throttle.failed("b")
    clock.now += 3601
    throttle.failed("b")
    assert throttle.retry_after("b") == 0


def test_made_up_names_cannot_fill_the_memory():
    throttle = Throttle(free=0, max_keys=100, clock=Clock())
    for number in range(1000):
        throttle.failed(f"name{number}")
    assert throttle.retry_after("name999") > 0 and throttle.retry_after("name0") == 0


def test_the_log_in_is_limited_per_name_and_per_address():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(5):
        throttle.failed("10.0.0.1", "camille")
    assert throttle.retry_after("10.0.0.1", "camille") == 0
    throttle.failed("10.0.0.1", "camille")
    # From any address: the name is locked.
    assert throttle.retry_after("10.0.0.2", "camille") == 1
    assert throttle.retry_after("10.0.0.1", "dominique") == 0
    for number in range(14):
        throttle.failed("10.0.0.1", f"name{number}")
    assert throttle.retry_after("10.0.0.1", "dominique") == 0
    throttle.failed("10.0.0.1", "name14")
    # From this address: every name is locked.
    assert throttle.retry_after("10.0.0.1", "dominique") == 1


def test_deploy_gives_the_agents_as_a_file_of_hashes():
    web_env = (PROJECT_ROOT / "deploy" / "env" / "web.env").read_text(encoding="utf-8")
    assert "AGENT_PASSWORD" not in web_env
    assert "AGENT_ACCOUNTS_FILE=/run/secrets/agent-accounts" in web_env.splitlines()
    compose = (PROJECT_ROOT / "deploy" / "docker-compose.yml").read_text(encoding="utf-8")
    assert "file: ./secrets/agent-accounts" in compose
    # Without the file (not in git), the web server cannot start.
    with pytest.raises(FileNotFoundError):
        load_settings({"AGENT_ACCOUNTS_FILE": "/run/secrets/agent-accounts"})


@pytest.mark.parametrize(
    "address, key",
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_client_is_counted_by_its_64_prefix(address, key):
    assert address_key(address) == key
    throttle = LoginThrottle(clock=Clock())
    for _ in range(21):
        throttle.failed(address, f"name{_}")
    assert throttle.retry_after(key if "/" not in key else "2001:db8:1:2::9", "x") > 0
