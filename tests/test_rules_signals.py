"""Family 6: shell-form CMD/ENTRYPOINT, entrypoint scripts without exec, shell as PID 1."""

from __future__ import annotations

import os

from tests.support.rules import apply, check_text, where


# -- DL3025 ----------------------------------------------------------------------------------

def test_shell_form_cmd_points_at_the_command_and_offers_an_unsafe_fix():
    text = "FROM python:3.12\nCMD python app.py\n"
    found = check_text(text, "DL3025")
    assert where(found) == [(2, 5, 18)]
    assert "SIGTERM" in found[0].message
    assert found[0].fix is not None and not found[0].fix.safe
    assert apply(text, found[0].fix) == 'FROM python:3.12\nCMD ["python", "app.py"]\n'


def test_no_fix_when_the_command_needs_a_shell():
    found = check_text("FROM python:3.12\nENTRYPOINT python app.py --port $PORT\n", "DL3025")
    assert where(found) == [(2, 12, 38)] and found[0].fix is None


def test_exec_prefix_is_dropped_and_builtins_get_no_fix():
    text = "FROM python:3.12\nENTRYPOINT exec /bin/app --serve\n"
    found = check_text(text, "DL3025")
    assert apply(text, found[0].fix) == 'FROM python:3.12\nENTRYPOINT ["/bin/app", "--serve"]\n'
    found = check_text("FROM python:3.12\nCMD cd /srv\n", "DL3025")
    assert found and found[0].fix is None  # `cd` is a builtin: ["cd", "/srv"] could never start


def test_exec_form_and_healthcheck_exec_form_pass():
    text = 'FROM python:3.12\nHEALTHCHECK CMD ["true"]\nENTRYPOINT ["python"]\nCMD ["app.py"]\n'
    assert check_text(text, "DL3025") == []


def test_shell_form_healthcheck_cmd_is_reported():
    found = check_text("FROM python:3.12\nHEALTHCHECK --interval=5s CMD curl -f localhost\n", "DL3025")
    assert where(found) == [(2, 31, 48)]


# -- DW601: entrypoint script without exec -------------------------------------------------

def write_context(tmp_path, script: str, dockerfile: str) -> str:
    (tmp_path / "entrypoint.sh").write_text(script)
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile)
    return str(path)


DOCKERFILE = ('FROM python:3.12\nWORKDIR /app\nCOPY entrypoint.sh .\n'
              'ENTRYPOINT ["/app/entrypoint.sh"]\nCMD ["python", "app.py"]\n')


def test_script_without_exec_is_reported_on_the_entrypoint(tmp_path):
    path = write_context(tmp_path, '#!/bin/sh\nset -e\necho start\n"$@"\n', DOCKERFILE)
    found = check_text(DOCKERFILE, "DW601", path=path)
    assert where(found) == [(4, 13, 33)]
    assert "`entrypoint.sh`" in found[0].message and '`"$@"`' in found[0].message


def test_script_with_exec_passes(tmp_path):
    path = write_context(tmp_path, '#!/bin/sh\nset -e\necho start\nexec "$@"\n', DOCKERFILE)
    assert check_text(DOCKERFILE, "DW601", path=path) == []


def test_script_found_through_a_directory_copy(tmp_path):
    dockerfile = 'FROM python:3.12\nCOPY . /srv/\nENTRYPOINT ["/srv/entrypoint.sh"]\n'
    path = write_context(tmp_path, "#!/bin/sh\ngunicorn app:app\n", dockerfile)
    assert where(check_text(dockerfile, "DW601", path=path)) == [(3, 13, 33)]


def test_missing_script_in_context_is_not_guessed(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(DOCKERFILE)
    assert check_text(DOCKERFILE, "DW601", path=str(path)) == []


# -- DW602: shell as PID 1 --------------------------------------------------------------------

def test_sh_c_with_a_command_list_is_reported():
    text = 'FROM python:3.12\nCMD ["sh", "-c", "python migrate.py && python app.py"]\n'
    found = check_text(text, "DW602")
    assert where(found) == [(2, 18, 54)]


def test_sh_c_with_exec_or_an_init_passes():
    assert check_text('FROM python:3.12\nCMD ["sh", "-c", "python migrate.py && exec python app.py"]\n', "DW602") == []
    text = 'FROM python:3.12\nENTRYPOINT ["tini", "--", "sh", "-c", "a && b"]\n'
    assert check_text(text, "DW602") == []


def test_single_command_sh_c_passes():
    assert check_text('FROM python:3.12\nCMD ["sh", "-c", "python app.py"]\n', "DW602") == []


def test_exec_inside_a_branch_counts_and_a_bare_exec_redirection_does_not(tmp_path):
    branch = '#!/bin/sh\nif [ "$1" = web ]; then\n  exec gunicorn app:app\nfi\nexec "$@"\n'
    path = write_context(tmp_path, branch, DOCKERFILE)
    assert check_text(DOCKERFILE, "DW601", path=path) == []
    redirect_only = '#!/bin/sh\nexec >/proc/1/fd/1 2>&1\npython app.py\n'
    path = write_context(tmp_path, redirect_only, DOCKERFILE)
    found = check_text(DOCKERFILE, "DW601", path=path)
    assert len(found) == 1 and "`python app.py`" in found[0].message


def test_entrypoint_script_written_by_a_heredoc():
    text = ("# syntax=docker/dockerfile:1\nFROM python:3.12\n"
            "COPY --chmod=755 <<EOF /entrypoint.sh\n#!/bin/sh\nmigrate\ngunicorn app:app\nEOF\n"
            'ENTRYPOINT ["/entrypoint.sh"]\n')
    found = check_text(text, "DW601")
    assert where(found) == [(8, 13, 29)]
    assert "heredoc on line 3" in found[0].message and "`gunicorn app:app`" in found[0].message
    assert check_text(text.replace("gunicorn app", "exec gunicorn app"), "DW601") == []


def test_bare_script_name_is_found_on_the_path(tmp_path):
    dockerfile = ('FROM python:3.12\nCOPY entrypoint.sh /usr/local/bin/\n'
                  'ENTRYPOINT ["entrypoint.sh"]\nCMD ["python"]\n')
    path = write_context(tmp_path, '#!/bin/sh\necho hi\n"$@"\n', dockerfile)
    assert where(check_text(dockerfile, "DW601", path=path)) == [(3, 13, 28)]


def test_tini_forwards_only_to_the_script_but_dumb_init_signals_the_group(tmp_path):
    script = '#!/bin/sh\necho hi\npython app.py\n'
    tini = 'FROM python:3.12\nCOPY entrypoint.sh /\nENTRYPOINT ["tini", "--", "/entrypoint.sh"]\n'
    path = write_context(tmp_path, script, tini)
    assert where(check_text(tini, "DW601", path=path)) == [(3, 27, 43)]
    for init in ('"tini", "-g", "--"', '"dumb-init"'):
        text = f'FROM python:3.12\nCOPY entrypoint.sh /\nENTRYPOINT [{init}, "/entrypoint.sh"]\n'
        assert check_text(text, "DW601", path=write_context(tmp_path, script, text)) == []


def test_script_run_through_an_explicit_shell(tmp_path):
    text = 'FROM python:3.12\nCOPY entrypoint.sh /\nENTRYPOINT ["bash", "/entrypoint.sh"]\n'
    path = write_context(tmp_path, "#!/bin/bash\npython app.py\n", text)
    assert where(check_text(text, "DW601", path=path)) == [(3, 21, 37)]


def test_a_script_dockerignore_keeps_out_is_not_read(tmp_path):
    # The builder does not have it (the COPY fails), so what it says on disk is no evidence.
    path = write_context(tmp_path, '#!/bin/sh\nset -e\necho start\n"$@"\n', DOCKERFILE)
    (tmp_path / ".dockerignore").write_text("*.sh\n")
    assert check_text(DOCKERFILE, "DW601", path=path) == []


def test_a_script_linked_from_outside_the_context_is_not_read(tmp_path):
    script = '#!/bin/sh\necho start\n"$@"\n'
    (tmp_path / "outside.sh").write_text(script)
    context = tmp_path / "ctx"
    (context / "scripts").mkdir(parents=True)
    (context / "scripts/entry.sh").write_text(script)
    os.symlink(str(tmp_path / "outside.sh"), context / "entrypoint.sh")  # inside ctx: no such file
    os.symlink("scripts/entry.sh", context / "inside.sh")
    dockerfile = context / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    assert check_text(DOCKERFILE, "DW601", path=str(dockerfile)) == []
    inside = DOCKERFILE.replace("entrypoint.sh", "inside.sh")
    found = check_text(inside, "DW601", path=str(dockerfile))
    assert len(found) == 1 and "`inside.sh`" in found[0].message
