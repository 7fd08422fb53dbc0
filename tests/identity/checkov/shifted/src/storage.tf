# shifted fixture: line 1
# shifted fixture: line 2

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}

resource "aws_instance" "web" {
  # harmless unrelated line inserted in the middle
  ami           = "ami-12345678"
  instance_type = "t3.micro"

  metadata_options {
    http_tokens = "optional"
  }
}
