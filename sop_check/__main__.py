from sop_check.cli import main

main()
