"""Allow ``python -m watch`` as an alias of the ``vigie`` console script."""

from watch.cli import main

if __name__ == "__main__":
    main()
