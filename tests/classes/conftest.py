"""Fixtures of the class tests: a class of the test federation with learners from two unions."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def klass(federation):
    return factories.make_class(federation, name="Lớp thử nghiệm khóa 1/2022")


@pytest.fixture
def policy(federation):
    return factories.make_policy(federation, name="Hỗ trợ học viên (LĐLĐ thành phố)")


@pytest.fixture
def learner_a(klass, union_a, staff):
    return factories.make_learner(klass, union_a, staff, full_name="Đặng Thị Ánh")


@pytest.fixture
def learner_b(klass, union_b, staff):
    return factories.make_learner(klass, union_b, staff, full_name="Trịnh Văn Bình")


@pytest.fixture
def session(klass):
    return factories.make_session(klass, topic="Khái quát lịch sử Đảng Cộng sản Việt Nam")
