"""Policy: rules as data, the built-in baseline, waivers, VEX in and out, and evaluation to a Verdict."""
