from decimal import Decimal

import pytest

from apps.quantity import QuantityError, cpu_millicores, memory_bytes


@pytest.mark.parametrize(
    ("text", "millicores"),
    [("500m", 500), ("0.5", 500), ("2", 2000), (".25", 250), ("1.5", 1500), ("10m", 10)],
)
def test_cpu_forms_people_write(text, millicores):
    assert cpu_millicores(text) == Decimal(millicores)


@pytest.mark.parametrize(
    "text", ["abc", "", "1Gi", "500 m", "-1", "1e3", "1.5.5", "m", "٥٠٠m", "５００m"]
)
def test_cpu_refuses_what_is_not_an_amount(text):
    with pytest.raises(QuantityError):
        cpu_millicores(text)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("512Mi", 512 * 2**20),
        ("1Gi", 2**30),
        ("1.5Gi", 3 * 2**29),
        ("1G", 10**9),
        ("128974848", 128974848),
    ],
)
def test_memory_units(text, size):
    assert memory_bytes(text) == Decimal(size)


@pytest.mark.parametrize("text", ["1.5.5Gi", "abc", "1 Gi", "1gi", "1m", "Gi", "-1Gi", "５１２Mi"])
def test_memory_refuses_malformed(text):
    with pytest.raises(QuantityError):
        memory_bytes(text)
