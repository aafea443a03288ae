"""Store tests run on both backends."""

from tests.support.stores import store_settings, writable_store  # noqa: F401
