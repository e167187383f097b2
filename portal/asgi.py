"""The ASGI entry point for servers started with an import string (`portal serve`)."""

from portal import heap
from portal.app import create_app
from sql.settings import load_settings

app = create_app(load_settings())
heap.settle()
