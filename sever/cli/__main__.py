from sever.cli import main

main()
