"""Demo data: communities, accounts, petitions, committee matters and the members' contact-point work."""

from service.demo.accounts import DEMO_ACCOUNTS, create_demo_accounts
from service.demo.petitions import load_demo

__all__ = ["DEMO_ACCOUNTS", "create_demo_accounts", "load_demo"]
