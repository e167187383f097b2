"""Programs defined as data: the vocabulary (`model`), its validation (`check`), an
application's fields read against a form (`fields`), the eligibility rules (`eligibility`) and
the award with its explanation (`award`)."""
