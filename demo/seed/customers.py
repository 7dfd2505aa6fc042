"""The demo customers: names, phones, e-mails and addresses drawn from the seeded stream."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

from complaints.domain.contact_details import normalize_phone
from demo import data

CUSTOMER_COUNT = 120


@dataclass(frozen=True)
class CustomerProfile:
    name: str
    phone: str
    email: str
    region: str
    address: str

    @cached_property
    def e164(self) -> str:
        return normalize_phone(self.phone)


def make_customers(rng: random.Random) -> list[CustomerProfile]:
    customers: list[CustomerProfile] = []
    names: set[str] = set()
    phones: set[str] = set()
    regions = [region for region, _weight, _districts in data.REGIONS]
    weights = [weight for _region, weight, _districts in data.REGIONS]
    districts = {region: districts for region, _weight, districts in data.REGIONS}
    while len(customers) < CUSTOMER_COUNT:
        surname, surname_py = rng.choice(data.SURNAMES)
        given, given_py = rng.choice(data.GIVEN_NAMES)
        name = surname + given
        phone = rng.choice(data.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if name in names or phone in phones:
            continue
        names.add(name)
        phones.add(phone)
        email = ""
        if rng.random() < 0.4:
            local_part = rng.choice(
                [f"{given_py}{surname_py}", f"{surname_py}.{given_py}", f"{surname_py}{given_py}"]
            )
            email = f"{local_part}{rng.randint(1, 999)}@{rng.choice(data.EMAIL_DOMAINS)}"
        region = rng.choices(regions, weights)[0]
        address = ""
        if rng.random() < 0.5:
            address = (
                f"{rng.choice(districts[region])}{rng.choice(data.STREETS)}"
                f"{rng.randint(1, 2999)}号{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
            )
        customers.append(CustomerProfile(name, phone, email, region, address))
    return customers
