"""Pure domain rules of complaints: no ORM, no requests, no tasks; every layer may use them."""
