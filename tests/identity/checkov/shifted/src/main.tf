# shifted fixture: line 1
# shifted fixture: line 2

# Tiny terraform project used only as a checkov fixture for finding identity tests.

resource "aws_security_group" "ssh_open" {
  name        = "ssh-open"
  description = "Allow SSH from anywhere"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  # harmless unrelated line inserted in the middle
}

resource "aws_security_group" "ssh_open_too" {
  name        = "ssh-open-too"
  description = "Second group, same failed checks"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
