# The guest side of `watch` (see HostEditsJob): turns the host's reports of edits in synced folders into inotify
# events the guest's watchers act on, with operations that leave the host's files as they are. Only perl-base
# (Debian's essential perl) is used. Arguments: the guest paths of the watched folders, hex-encoded.
#
# Input, one line each, paths hex-encoded (any byte but NUL may be in a name):
#   M <path> <sec> <nsec> <isdir>  the path exists on the host with this mtime: set its mtime to that very value
#                                  (IN_ATTRIB on the path; a no-op on the host, and the guest's cached attributes and
#                                  data are refreshed by the setattr reply), then for a file open it for writing and
#                                  close it without writing (IN_CLOSE_WRITE).
#   F <dir> <sec> <nsec>           an entry of the folder appeared or went: create and remove a hidden name in it
#                                  (IN_CREATE, IN_DELETE on the folder), then set the folder's mtime back to the host's.
# Echo: the guest's own writes reach the host, which reports them back. The guest's inotify saw those writes first
# (they went through its VFS), so a report about a path the guest itself changed in the last seconds is dropped.
use strict;
use warnings;
use Config;
use Errno qw(ENOENT EAGAIN EINTR ENOSPC);
use Fcntl qw(O_WRONLY O_NONBLOCK O_CREAT O_EXCL O_NOFOLLOW);

my %sys = (
    x86_64  => [294, 254, 280],
    aarch64 => [26, 27, 88],
);
my ($arch) = $Config{archname} =~ /^([^-]+)/;
my $nr = $sys{$arch} or die "watch: no inotify syscall numbers for $arch\n";
my ($SYS_inotify_init1, $SYS_inotify_add_watch, $SYS_utimensat) = @$nr;

use constant {
    AT_FDCWD => -100, UTIME_OMIT => (1 << 30) - 2,
    IN_MODIFY => 0x2, IN_CLOSE_WRITE => 0x8, IN_MOVED_FROM => 0x40, IN_MOVED_TO => 0x80, IN_CREATE => 0x100,
    IN_DELETE => 0x200, IN_Q_OVERFLOW => 0x4000, IN_IGNORED => 0x8000, IN_ONLYDIR => 0x1000000,
    IN_DONT_FOLLOW => 0x2000000, IN_EXCL_UNLINK => 0x4000000, IN_ISDIR => 0x40000000,
    ECHO_SECONDS => 2, MAX_WATCHES => 50000, TEMP_PREFIX => '.diskless-watch-',
};
my $MASK = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;

$| = 1;
my @roots = map { pack 'H*', $_ } @ARGV;
my $ifd = syscall($SYS_inotify_init1, 04000 | 02000000);
die "watch: inotify_init1: $!\n" if $ifd < 0;
open(my $inotify, '<&=', $ifd) or die "watch: inotify fd: $!\n";

my (%dir_of_wd, %recent, %self, $full_warned);
my $temp_serial = 0;

sub watch_dir {
    my ($dir) = @_;
    return if keys(%dir_of_wd) >= MAX_WATCHES && warn_full();
    my $wd = syscall($SYS_inotify_add_watch, $ifd, $dir, $MASK);
    if ($wd < 0) {
        warn_full() if $! == ENOSPC;
        return;
    }
    $dir_of_wd{$wd} = $dir;
}

sub warn_full {
    print STDERR "watch: the guest's own writes are told apart in the first " . scalar(keys %dir_of_wd)
        . " folders only (fs.inotify.max_user_watches or " . MAX_WATCHES . "); past them a guest write may come back as an ATTRIB event\n"
        unless $full_warned++;
    return 1;
}

sub watch_tree {
    my @queue = @_;
    while (defined(my $dir = shift @queue)) {
        watch_dir($dir);
        opendir(my $dh, $dir) or next;
        while (defined(my $name = readdir $dh)) {
            next if $name eq '.' || $name eq '..';
            my $path = "$dir/$name";
            push @queue, $path if !-l $path && -d _;
        }
        closedir $dh;
    }
}

sub drain_inotify {
    while (1) {
        my $got = sysread($inotify, my $buf, 65536);
        if (!defined $got) {
            next if $! == EINTR;
            return if $! == EAGAIN;
            die "watch: reading inotify: $!\n";
        }
        return if $got == 0;
        my $at = 0;
        while ($at + 16 <= length $buf) {
            my ($wd, $mask, $cookie, $len) = unpack 'iIII', substr($buf, $at, 16);
            my $name = unpack 'Z*', substr($buf, $at + 16, $len);
            $at += 16 + $len;
            if ($mask & IN_Q_OVERFLOW) { %recent = (); next; }
            if ($mask & IN_IGNORED) { delete $dir_of_wd{$wd}; next; }
            my $dir = $dir_of_wd{$wd} // next;
            next if index($name, TEMP_PREFIX) == 0;
            my $path = "$dir/$name";
            if (($mask & IN_CLOSE_WRITE) && $self{$path}) {
                delete $self{$path} if --$self{$path} <= 0;
                next;
            }
            my $now = time;
            $recent{$path} = $now;
            $recent{$dir} = $now if $mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO);
            watch_tree($path) if ($mask & IN_ISDIR) && ($mask & (IN_CREATE | IN_MOVED_TO));
        }
    }
}

sub guest_made {
    my ($path) = @_;
    my $t = $recent{$path} // return 0;
    return 1 if time - $t <= ECHO_SECONDS;
    delete $recent{$path};
    return 0;
}

sub set_mtime {
    my ($path, $sec, $nsec) = @_;
    my $times = pack 'q4', 0, UTIME_OMIT, $sec, $nsec;
    return syscall($SYS_utimensat, AT_FDCWD, $path, $times, 0) == 0;
}

sub folder_event {
    my ($dir, $sec, $nsec) = @_;
    my $temp = $dir . '/' . TEMP_PREFIX . $$ . '-' . $temp_serial++;
    if (sysopen(my $fh, $temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)) {
        close $fh;
        unlink $temp;
    }
    set_mtime($dir, $sec, $nsec) if defined $sec;
}

sub modified {
    my ($path, $sec, $nsec, $isdir) = @_;
    if (!set_mtime($path, $sec, $nsec)) {
        if ($! == ENOENT) {
            # A lookup the guest cached as missing a moment ago: the folder's event instead.
            (my $dir = $path) =~ s{/[^/]*$}{};
            folder_event($dir) if length $dir;
        }
        return;
    }
    return if $isdir;
    $self{$path}++;
    if (sysopen(my $fh, $path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW)) {
        close $fh;
    } else {
        delete $self{$path} if --$self{$path} <= 0;
    }
}

watch_tree(@roots);
print "ready " . scalar(keys %dir_of_wd) . "\n";

my $pending = '';
my $rin = '';
vec($rin, fileno(STDIN), 1) = 1;
while (1) {
    my $rout = $rin;
    my $n = select($rout, undef, undef, undef);
    next if $n < 0 && $! == EINTR;
    my $got = sysread(STDIN, $pending, 65536, length $pending);
    next if !defined $got && $! == EINTR;
    last if !$got;
    drain_inotify();
    while ($pending =~ s/^([^\n]*)\n//) {
        my ($kind, $hex, @rest) = split /\t/, $1;
        next unless defined $hex;
        my $path = pack 'H*', $hex;
        if ($kind eq 'M') {
            modified($path, @rest) unless guest_made($path);
        } elsif ($kind eq 'F') {
            folder_event($path, @rest) unless guest_made($path);
        }
        drain_inotify();
    }
    %recent = map { $_ => $recent{$_} } grep { time - $recent{$_} <= ECHO_SECONDS } keys %recent if keys(%recent) > 10000;
}
