"""The yearly progress report of a portfolio: data gathering (`data`), charts (`charts`), HTML and PDF."""
