import pytest

from gan_utils import smoke


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("0", False), ("", False)])
def test_smoke_mode_reads_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("GAN_UTILS_SMOKE", value)
    assert smoke.smoke_mode() is expected
    assert smoke.pick(full=10, smoke=1) == (1 if expected else 10)
    assert ("SMOKE MODE" in smoke.banner()) is expected


def test_smoke_mode_rejects_unclear_values(monkeypatch):
    monkeypatch.setenv("GAN_UTILS_SMOKE", "maybe")
    with pytest.raises(ValueError, match="'maybe'"):
        smoke.smoke_mode()


def test_a_check_prints_its_verdict_and_fails_ci_only_when_strict(monkeypatch, capsys):
    monkeypatch.delenv("GAN_UTILS_SMOKE", raising=False)
    monkeypatch.delenv("GAN_UTILS_STRICT_CHECKS", raising=False)
    assert smoke.check("final JSD", 0.002, True, "below 0.03") is True
    assert smoke.check("final JSD", 0.5, False, "below 0.03") is False  # a student's run goes on
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["final JSD: 0.0020 (expected below 0.03): as expected",
                       "final JSD: 0.5000 (expected below 0.03): NOT as expected"]
    monkeypatch.setenv("GAN_UTILS_STRICT_CHECKS", "1")  # what make test sets
    with pytest.raises(smoke.CheckFailed, match=r"final JSD = 0.5000, expected below 0.03"):
        smoke.check("final JSD", 0.5, False, "below 0.03")
    monkeypatch.setenv("GAN_UTILS_SMOKE", "1")  # too few steps to judge a budget-dependent check
    assert smoke.check("top-three share", 0.3, False, "above 0.6", judged_in_smoke=False) is False
    assert "not judged in smoke mode" in capsys.readouterr().out
    with pytest.raises(smoke.CheckFailed):
        smoke.check("V(D*, G) identity", 0.5, False, "below 0.02")
    monkeypatch.setenv("GAN_UTILS_STRICT_CHECKS", "perhaps")
    with pytest.raises(ValueError, match="GAN_UTILS_STRICT_CHECKS='perhaps'"):
        smoke.check("x", 1.0, False, "y")
