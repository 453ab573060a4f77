"""At the command line, the same rights as in the window: an assistant's approval of a
renewal is refused, nothing is stored nor sent; the practitioner's goes through."""

from __future__ import annotations

import json

from desktop.patient import PatientClient
from tests.e2e.test_cli_scenario import Cli, relay  # noqa: F401 - the fixture
from tests.support.relay import create_practice

LINE = "Levothyrox 75 µg;1 comprimé le matin;90;3 boîtes;1"


def test_an_assistant_cannot_approve_a_renewal_at_the_command_line(relay, tmp_path):  # noqa: F811
    cli = Cli(tmp_path)
    token = create_practice(relay.database_url, "Cabinet Dupont")
    cli.practice("init", "--relay", relay.url, "--token", token,
                 "--practitioner", "Dr Claire Dupont", "--practice", "Cabinet Dupont")
    patient = cli.practice("patient", "add", "--name", "Jean Martin", "--born", "1961-04-02")
    code = cli.practice("invite", "--patient", patient.stdout.strip()).stdout.strip()
    cli.practice("sync", "--once")
    jean = PatientClient.redeem(relay.url, code)
    try:
        cli.practice("sync", "--once")
        [doctor] = json.loads(cli.practice("practitioner", "list", "--json").stdout)
        jean.request_renewal(doctor["id"], ["Levothyrox 75"], "")
        cli.practice("sync", "--once")
        cli.env["PASSERELLE_NEW_PIN"] = "135790"
        cli.practice("person", "add", "--name", "Julie Bernard", "--role", "assistant")
        [request] = json.loads(cli.practice("renewal", "list", "--json").stdout)
        status = cli.practice("status").stdout

        cli.env["PASSERELLE_PIN"] = "135790"
        refused = cli.practice("renewal", "approve", request["id"], "--line", LINE,
                               "--as", "Julie Bernard", ok=False)
        assert refused.returncode == 2
        assert "Julie Bernard may not approve a renewal" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert cli.practice("status").stdout == status  # nothing queued
        assert json.loads(cli.practice("renewal", "list", "--json").stdout) == [request]
        cli.practice("sync", "--once")
        jean.sync()
        assert jean.renewals()[0]["state"] == "received"  # nothing reached the relay

        # A wrong PIN is refused too: the person is who they say.
        cli.env["PASSERELLE_PIN"] = "000000"
        wrong = cli.practice("renewal", "approve", request["id"], "--line", LINE,
                             "--as", "Dr Claire Dupont", ok=False)
        assert wrong.returncode == 2 and "Wrong PIN" in wrong.stderr
        assert cli.practice("status").stdout == status
    finally:
        jean.close()
