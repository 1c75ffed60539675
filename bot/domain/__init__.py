"""Pure domain logic: ages and bands, schedules, parsing of typed input, and prompt picking."""
