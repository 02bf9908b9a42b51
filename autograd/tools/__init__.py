"""What a user's tests and terminal use: gradcheck, hypothesis strategies, the expression
parser and the command line. The top layer: it may import every other."""
