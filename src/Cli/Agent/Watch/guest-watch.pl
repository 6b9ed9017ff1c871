# The guest side of `watch` (see HostEditsJob): turns the host's reports of edits in synced folders into inotify
# events the guest's watchers act on, with operations that leave the host's files as they are. Only perl-base
# (Debian's essential perl) is used. Arguments: the guest paths of the watched folders, hex-encoded.
#
# Input, one line each, paths hex-encoded (any byte but NUL may be in a name); each with the path's host state,
# mtime, ctime (seconds, nanoseconds) and size:
#   M <path> <msec> <mnsec> <isdir> <csec> <cnsec> <size>
#                                  the path exists on the host in this state: set its mtime to that very value
#                                  (IN_MODIFY on the path; a no-op on the host, and the guest's cached attributes and
#                                  data are refreshed by the setattr reply), then for a file open it for writing and
#                                  close it without writing (IN_CLOSE_WRITE).
#   F <dir> <msec> <mnsec> <csec> <cnsec> <size>
#                                  an entry of the folder appeared or went: create and remove a hidden name in it
#                                  (IN_CREATE, IN_DELETE on the folder), then set the folder's mtime back to the host's.
# Echo: the guest's own writes reach the host, which reports them back. The loop watches the folders in the guest
# too, and right after the guest's kernel reports an event on a path (the guest's write, or the loop's own
# operation) it reads the path's state through the mount: the host's, as of just after that event. A report whose
# state is not newer than that (its ctime, which nobody can set and every change moves forward on the host's one
# clock, is older; or ctime, mtime and size are all the same) is one the guest's watchers have already had an event
# for, and is dropped. No clock of the guest is read: the guest's event is always queued before the host hears the
# write it follows, and the loop reads its queue before every line.
use strict;
use warnings;
use Config;
use Errno qw(ENOENT EAGAIN EINTR ENOSPC);
use Fcntl qw(O_WRONLY O_NONBLOCK O_CREAT O_EXCL O_NOFOLLOW);

my %sys = (
    x86_64  => [294, 254, 280, 332],
    aarch64 => [26, 27, 88, 291],
);
my ($arch) = $Config{archname} =~ /^([^-]+)/;
my $nr = $sys{$arch} or die "watch: no inotify syscall numbers for $arch\n";
my ($SYS_inotify_init1, $SYS_inotify_add_watch, $SYS_utimensat, $SYS_statx) = @$nr;

use constant {
    AT_FDCWD => -100, AT_SYMLINK_NOFOLLOW => 0x100, STATX_BASIC_STATS => 0x7ff, UTIME_OMIT => (1 << 30) - 2,
    IN_MODIFY => 0x2, IN_CLOSE_WRITE => 0x8, IN_MOVED_FROM => 0x40, IN_MOVED_TO => 0x80, IN_CREATE => 0x100,
    IN_DELETE => 0x200, IN_Q_OVERFLOW => 0x4000, IN_IGNORED => 0x8000, IN_ONLYDIR => 0x1000000,
    IN_DONT_FOLLOW => 0x2000000, IN_EXCL_UNLINK => 0x4000000, IN_ISDIR => 0x40000000,
    MAX_WATCHES => 50000, MAX_HEARD => 100000, TEMP_PREFIX => '.diskless-watch-',
};
my $MASK = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;

$| = 1;
# Each watch pins its folder's inode in the guest, and over virtiofs each pinned inode holds a descriptor of the
# folder's virtiofsd: a tree of more folders than its open-file limit would exhaust it (and the guest's lookups there
# would fail), which the synced folders' zero timeout otherwise prevents. So no more watches than the inodes the host
# lets the guest cache (diskless.fuse_inodes on the kernel command line, a quarter of virtiofsd's limit); past them
# only the echo of a guest write is no longer told apart. A leading max-watches=N sets it instead (tests).
my $max_watches = MAX_WATCHES;
if (open(my $cmdline, '<', '/proc/cmdline')) {
    my $line = <$cmdline> // '';
    $max_watches = $1 if $line =~ /(?:^|\s)diskless\.fuse_inodes=(\d+)/ && $1 < $max_watches;
    close $cmdline;
}
$max_watches = $1 if @ARGV && $ARGV[0] =~ /^max-watches=(\d+)$/ && shift @ARGV;
my @roots = map { pack 'H*', $_ } @ARGV;
my $ifd = syscall($SYS_inotify_init1, 04000 | 02000000);
die "watch: inotify_init1: $!\n" if $ifd < 0;
open(my $inotify, '<&=', $ifd) or die "watch: inotify fd: $!\n";

# %heard: path => [ctime s, ns, mtime s, ns, size] read right after the guest's kernel last reported an event on it.
my (%dir_of_wd, %wd_of_dir, %heard, $full_warned);
my $temp_serial = 0;

sub watch_dir {
    my ($dir) = @_;
    return if keys(%dir_of_wd) >= $max_watches && warn_full();
    my $wd = syscall($SYS_inotify_add_watch, $ifd, $dir, $MASK);
    if ($wd < 0) {
        warn_full() if $! == ENOSPC;
        return;
    }
    $dir_of_wd{$wd} = $dir;
    $wd_of_dir{$dir} = $wd;
}

sub watched {
    my ($dir) = @_;
    my $wd = $wd_of_dir{$dir} // return 0;
    # A folder the guest renamed keeps its watch under the new name: the old name is no longer watched.
    return ($dir_of_wd{$wd} // '') eq $dir;
}

sub warn_full {
    print STDERR "watch: the guest's own writes are told apart in the first " . scalar(keys %dir_of_wd)
        . " folders only (fs.inotify.max_user_watches, or " . $max_watches . ": each watch holds a descriptor of virtiofsd); past them a guest write may come back as an event\n"
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
    my %now;
    while (1) {
        my $got = sysread($inotify, my $buf, 65536);
        if (!defined $got) {
            next if $! == EINTR;
            last if $! == EAGAIN;
            die "watch: reading inotify: $!\n";
        }
        last if $got == 0;
        my $at = 0;
        while ($at + 16 <= length $buf) {
            my ($wd, $mask, $cookie, $len) = unpack 'iIII', substr($buf, $at, 16);
            my $name = unpack 'Z*', substr($buf, $at + 16, $len);
            $at += 16 + $len;
            # Events were lost: what the guest heard is not known, so no report is taken for an echo until heard again.
            if ($mask & IN_Q_OVERFLOW) { %heard = (); %now = (); next; }
            if ($mask & IN_IGNORED) {
                my $gone = delete $dir_of_wd{$wd};
                delete $wd_of_dir{$gone} if defined $gone && $wd_of_dir{$gone} == $wd;
                next;
            }
            my $dir = $dir_of_wd{$wd} // next;
            next if index($name, TEMP_PREFIX) == 0;
            my $path = length $name ? "$dir/$name" : $dir;
            $now{$path} = 1;
            $now{$dir} = 1 if $mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO);
            watch_tree($path) if ($mask & IN_ISDIR) && ($mask & (IN_CREATE | IN_MOVED_TO));
        }
    }
    %heard = () if keys(%heard) > MAX_HEARD;
    for my $path (keys %now) {
        my $state = state_of($path);
        if ($state) { $heard{$path} = $state } else { delete $heard{$path} }
    }
}

sub state_of {
    my ($path) = @_;
    my $buf = "\0" x 256;
    return undef if syscall($SYS_statx, AT_FDCWD, $path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, $buf) != 0;
    my ($size) = unpack 'q', substr($buf, 40, 8);
    my ($csec, $cnsec) = unpack 'qL', substr($buf, 96, 12);
    my ($msec, $mnsec) = unpack 'qL', substr($buf, 112, 12);
    return [$csec, $cnsec, $msec, $mnsec, $size];
}

# True when the guest has already heard an event on the path at or after the host's state of the report.
sub heard_already {
    my ($path, $msec, $mnsec, $csec, $cnsec, $size) = @_;
    my $heard = $heard{$path} // return 0;
    return 0 unless defined $size && $size =~ /^\d+$/;
    my ($hc, $hcn, $hm, $hmn, $hsize) = @$heard;
    return 1 if $csec < $hc || ($csec == $hc && $cnsec < $hcn);
    return 1 if $csec == $hc && $cnsec == $hcn && $msec == $hm && $mnsec == $hmn && $size == $hsize;
    delete $heard{$path};
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
    if ($isdir) {
        # A folder made on the host: the guest's kernel never reported it, so the loop learns of it here, and hears
        # the guest's own writes in it from now on.
        watch_tree($path) unless watched($path);
        return;
    }
    if (sysopen(my $fh, $path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW)) {
        close $fh;
    }
}

watch_tree(@roots);
print "ready " . scalar(keys %dir_of_wd) . "\n";

my $pending = '';
my $rin = '';
vec($rin, fileno(STDIN), 1) = 1;
vec($rin, $ifd, 1) = 1;
while (1) {
    my $rout = $rin;
    my $n = select($rout, undef, undef, undef);
    if ($n < 0) {
        next if $! == EINTR;
        die "watch: select: $!\n";
    }
    # The guest's own events are read as soon as they come, so the state read for them is the one they left.
    drain_inotify();
    next unless vec($rout, fileno(STDIN), 1);
    my $got = sysread(STDIN, $pending, 65536, length $pending);
    next if !defined $got && $! == EINTR;
    last if !$got;
    while ($pending =~ s/^([^\n]*)\n//) {
        my ($kind, $hex, @rest) = split /\t/, $1;
        next unless defined $hex;
        my $path = pack 'H*', $hex;
        if ($kind eq 'M') {
            my ($msec, $mnsec, $isdir, $csec, $cnsec, $size) = @rest;
            modified($path, $msec, $mnsec, $isdir) unless heard_already($path, $msec, $mnsec, $csec, $cnsec, $size);
        } elsif ($kind eq 'F') {
            my ($msec, $mnsec, $csec, $cnsec, $size) = @rest;
            folder_event($path, $msec, $mnsec) unless heard_already($path, $msec, $mnsec, $csec, $cnsec, $size);
        }
        drain_inotify();
    }
}
