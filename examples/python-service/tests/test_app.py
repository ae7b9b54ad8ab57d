from app import Handler


def test_handler_exists():
    assert Handler
