"""%load_ext filmstrip in an in-process IPython shell: magics, watched variables, captured displays."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import filmstrip as fs
from filmstrip.store import session


@pytest.fixture
def shell():
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "filmstrip")
    yield ip
    if session.run is not None:
        session.finish()
    ip.run_line_magic("unload_ext", "filmstrip")
    ip.user_ns.clear()
    ip.init_user_ns()


def run_cell(ip, code):
    result = ip.run_cell(textwrap.dedent(code))
    if result.error_in_exec is not None:
        raise result.error_in_exec
    if result.error_before_exec is not None:
        raise result.error_before_exec
    return result.result


def test_loading_the_extension_imports_nothing_heavy():
    code = textwrap.dedent(
        """
        import sys
        from IPython.core.interactiveshell import InteractiveShell
        ip = InteractiveShell.instance()
        ip.run_line_magic("load_ext", "filmstrip")
        heavy = [m for m in ("anywidget", "ipywidgets", "matplotlib", "pandas", "av", "rdkit")
                 if m in sys.modules]
        print("HEAVY", heavy)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_init_status_finish(shell, capsys, tmp_path):
    run_cell(shell, "%filmstrip init tour first")
    assert session.run is not None and session.run.project == "tour" and session.run.name == "first"
    run_cell(shell, "%filmstrip status")
    out = capsys.readouterr().out
    assert "first" in out and "watched variables: none" in out
    path = session.run.path
    run_cell(shell, "%filmstrip finish")
    assert session.run is None
    assert fs.open(path).status == "finished"


@pytest.mark.parametrize(
    "line, message",
    [
        ("", "needs a command"),
        ("frobnicate", "unknown command 'frobnicate'"),
        ("init a b c", "at most PROJECT and NAME"),
        ("watch", "at least one variable"),
        ("watch 3x", "is not a variable name"),
        ("unwatch nothere", "not watched: nothere"),
        ("export", "exactly one PATH"),
        ("show", "no active run"),
        ("status extra", "takes no arguments"),
    ],
)
def test_bad_arguments_answer_with_usage(shell, line, message):
    with pytest.raises(UsageError) as info:
        shell.run_line_magic("filmstrip", line)
    assert message in str(info.value)
    assert "%filmstrip init [PROJECT] [NAME]" in str(info.value)


def test_watched_variables_of_each_kind_log_one_step_per_cell(shell):
    run_cell(shell, "%filmstrip init watch-test")
    run_cell(shell, "%filmstrip watch loss img weights pic media count")
    run_cell(
        shell,
        """
        import numpy as np, PIL.Image
        import filmstrip as fs
        loss = 0.5
        count = np.int64(3)
        img = np.zeros((16, 16, 3), dtype=np.uint8); img[..., 0] = 255
        weights = np.linspace(-1, 1, 1000)
        pic = PIL.Image.new("RGB", (12, 10), (0, 255, 0))
        media = fs.Histogram([1, 2, 3])
        """,
    )
    run_cell(shell, "loss = 0.25")
    run = session.run
    run_cell(shell, "%filmstrip finish")
    reread = fs.open(run.path)
    assert reread.steps("loss") == [0, 1]
    assert reread.get("loss", 1) == 0.25
    assert reread.get("count", 0) == 3
    image = reread.get("img", 0)
    assert image.to_numpy().shape == (16, 16, 3) and image.to_numpy()[0, 0, 0] == 255
    assert type(reread.get("weights", 0)).__name__ == "Histogram"
    assert reread.get("pic", 0).to_numpy()[0, 0].tolist() == [0, 255, 0]
    assert reread.get("media", 0).histogram == fs.Histogram([1, 2, 3]).histogram


def test_unloggable_watched_variable_warns_once(shell, capsys):
    run_cell(shell, "%filmstrip init warn-test")
    run_cell(shell, "%filmstrip watch thing")
    run_cell(shell, "thing = object()")
    run_cell(shell, "thing = object()")
    err = capsys.readouterr().err
    assert err.count("cannot be logged") == 1


def test_displayed_media_and_figures_are_logged_unless_off(shell):
    run_cell(shell, "%filmstrip init display-test")
    run_cell(
        shell,
        """
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        import filmstrip as fs
        from IPython.display import display
        fig, ax = plt.subplots(figsize=(2, 2)); ax.plot([0, 1], [0, 1])
        display(fig)
        display(fs.Image(np.full((8, 8), 200, dtype=np.uint8)))
        """,
    )
    run_cell(shell, "%filmstrip off")
    run_cell(shell, "display(fig)")
    run_cell(shell, "%filmstrip on")
    run = session.run
    run_cell(shell, "%filmstrip finish")
    reread = fs.open(run.path)
    assert reread.steps("display/figure") == [0]
    figure = reread.get("display/figure", 0).to_numpy()
    assert figure.shape[0] > 50 and figure.shape[1] > 50
    assert reread.get("display/image", 0).to_numpy()[0, 0].tolist() in (200, [200])


def test_cell_magic_logs_the_media_the_cell_creates(shell, capsys):
    run_cell(shell, "%filmstrip init cell-magic")
    run_cell(
        shell,
        """%%filmstrip samples
import numpy as np
import filmstrip as fs
pred = fs.Image(np.zeros((8, 8, 3), dtype=np.uint8))
hist = fs.Histogram(np.arange(10))
not_media = 3
""",
    )
    assert "logged samples/hist, samples/pred" in capsys.readouterr().out
    run = session.run
    run_cell(shell, "%filmstrip finish")
    reread = fs.open(run.path)
    assert set(reread.keys()) >= {"samples/pred", "samples/hist"}
    assert "samples/not_media" not in reread.keys()
    # the explicit cell magic logged one step, the post-cell hook did not add another
    assert reread.steps("samples/pred") == [0]


def test_magics_require_an_active_run_for_cell_magic(shell):
    with pytest.raises(UsageError, match="no active run"):
        shell.run_cell_magic("filmstrip", "", "x = 1")
