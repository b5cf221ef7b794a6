"""`sendgraph blueprints import FILE.json` fills the platform's blueprint library."""
from __future__ import annotations

import asyncio
import json
import secrets

from typer.testing import CliRunner

from app.cli import cli
from tests.support.blueprints import blueprint_ids, library_document


def test_import_upserts_the_files_blueprints(migrated, tmp_path):
    marker = secrets.token_hex(4)
    path = tmp_path / "library.json"
    path.write_text(json.dumps(library_document(marker)))

    result = CliRunner().invoke(cli, ["blueprints", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "imported 2 campaign blueprint(s) and 1 workflow blueprint(s)" in result.output
    assert set(asyncio.run(blueprint_ids(marker))) == {"welcome", "sale"}
    assert CliRunner().invoke(cli, ["blueprints", "import", str(path)]).exit_code == 0  # again: in place
    assert len(asyncio.run(blueprint_ids(marker))) == 2


def test_a_bad_file_ends_the_command_with_the_reason(migrated, tmp_path):
    path = tmp_path / "library.json"
    path.write_text(json.dumps({"campaigns": [{"name": "No key", "html": "<p>x</p>"}]}))
    result = CliRunner().invoke(cli, ["blueprints", "import", str(path)])
    assert result.exit_code == 2 and "campaigns.0.key" in result.output
    path.write_text("{not json")
    assert CliRunner().invoke(cli, ["blueprints", "import", str(path)]).exit_code == 2
