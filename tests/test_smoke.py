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
