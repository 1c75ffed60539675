from aiogram.fsm.state import State, StatesGroup


class Setup(StatesGroup):
    nickname = State()
    birth = State()
    more = State()
    timezone = State()
    time = State()
    days = State()


class Notes(StatesGroup):
    awaiting = State()


class Pausing(StatesGroup):
    until = State()


class TherapistRequest(StatesGroup):
    name = State()
    timezone = State()


class AssignFlow(StatesGroup):
    target = State()
    source = State()
    search = State()
    own = State()
    note = State()
    when = State()
