export PATH=$PATH:./bin
