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
