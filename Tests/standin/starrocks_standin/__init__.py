"""A faithful StarRocks stand-in for pg2sr tests (see Tests/standin/README.md)."""
