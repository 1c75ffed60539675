"""The therapist side's services, split by feature; bot.services.therapists puts them together."""
