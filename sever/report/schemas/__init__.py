"""The published report schemas sever validates against before writing (FinCEN SAR batch,
goAML 5.0.1), shipped unchanged so that an installed sever needs nothing beside it."""
