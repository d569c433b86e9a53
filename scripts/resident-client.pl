#!/usr/bin/perl
# Runs one imageci command in the resident imageci process (src/dev/imageci/resident): sends it
# the arguments, this working directory and this environment, copies what the command prints to
# stdout and stderr, passes SIGTERM and SIGINT on as a cancel, and exits with the command's status.
#
#   resident-client.pl SOCKET ARGS...
#
# Exits 75 (EX_TEMPFAIL) when no resident process took the command, and nothing has run then:
# scripts/imageci runs it in a JVM of its own instead. imageci itself never exits with 75.
# Perl, not Java, because a JVM's start-up is what the resident process is there to save; it
# loads no module, so it starts in a few milliseconds wherever perl-base is. The protocol's other
# end is src/dev/imageci/resident/Wire.java; the two change together.
use strict;

# The core language only: each module (warnings, Socket, Cwd, constant) costs milliseconds of the
# start-up this client is there to save, so the few Linux values it needs are written out here.
sub UNREACHABLE() { 75 }
sub MAGIC() { 0x696d6369 }
sub VERSION() { 1 }
sub MAX_FRAME() { 16 * 1024 * 1024 }
sub AF_UNIX() { 1 }
sub SOCK_STREAM() { 1 }
sub EINTR() { 4 }

my ($socket_path, @command) = @ARGV;
defined $socket_path or die "usage: resident-client.pl SOCKET ARGS...\n";

socket(my $socket, AF_UNIX, SOCK_STREAM, 0) or exit UNREACHABLE;
# struct sockaddr_un: the family, then the path, NUL-terminated (a longer one fails to connect).
connect($socket, pack('S Z108', AF_UNIX, $socket_path)) or exit UNREACHABLE;
$SIG{PIPE} = 'IGNORE';    # a closed stdout is the reader's business, not a reason to die

my $cwd = readlink('/proc/self/cwd');
exit UNREACHABLE unless defined $cwd && -d $cwd;    # a deleted directory reads "... (deleted)"
my $request = pack('N N', MAGIC, VERSION) . text($cwd) . pack('N', scalar @command);
$request .= text($_) for @command;
$request .= pack('N', scalar keys %ENV);
$request .= text($_) . text($ENV{$_}) for keys %ENV;
send_frame('Q', $request) or exit UNREACHABLE;

my $accepted = 0;
while (1) {
  my $header = read_exactly(5);
  if (!defined $header) {
    exit UNREACHABLE unless $accepted;
    (my $log = $socket_path) =~ s/\.sock$/.log/;
    print STDERR "imageci: the resident imageci process ended before the command did; it may"
      . " have partly run (the process's log: $log)\n";
    exit 1;
  }
  my ($type, $length) = unpack('a N', $header);
  die "imageci: a frame of $length bytes from the resident process\n" if $length > MAX_FRAME;
  my $payload = $length ? read_exactly($length) : '';
  die "imageci: the resident process's answer was cut short\n" unless defined $payload;
  if ($type eq 'A') {
    $accepted = 1;
    $SIG{TERM} = $SIG{INT} = \&cancel;
  } elsif ($type eq 'O') {
    write_all(\*STDOUT, $payload);
  } elsif ($type eq 'E') {
    write_all(\*STDERR, $payload);
  } elsif ($type eq 'X') {
    exit unpack('N', $payload);
  } elsif ($type eq 'R') {
    exit UNREACHABLE;
  } else {
    die "imageci: an unknown frame '$type' from the resident process\n";
  }
}

# A Jenkins abort (SIGTERM) or Ctrl-C becomes one cancel; the command still ends the run.
sub cancel {
  my ($name) = @_;
  $SIG{TERM} = $SIG{INT} = 'IGNORE';
  send_frame('C', $name) or exit 128 + 15;
}

sub text {
  my ($value) = @_;
  return pack('N/a*', $value);
}

sub send_frame {
  my ($type, $payload) = @_;
  return write_all($socket, pack('a N', $type, length $payload) . $payload);
}

sub read_exactly {
  my ($wanted) = @_;
  my $data = '';
  while (length $data < $wanted) {
    my $read = sysread($socket, $data, $wanted - length $data, length $data);
    next if !defined $read && $! == EINTR;
    return undef unless $read;
  }
  return $data;
}

sub write_all {
  my ($handle, $data) = @_;
  my $offset = 0;
  while ($offset < length $data) {
    my $written = syswrite($handle, $data, length($data) - $offset, $offset);
    next if !defined $written && $! == EINTR;
    return 0 unless defined $written;    # EPIPE: drop the rest, the command goes on
    $offset += $written;
  }
  return 1;
}
