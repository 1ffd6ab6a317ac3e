"""The support desk's channels: how messages come in from outside services and go out."""
