package faults

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// socketOwner finds which of pids holds the loopback TCP socket from
// client to server, through Linux's /proc (the run is root or the workers'
// own user, so it may read their descriptors). 0 when none does, or
// elsewhere than Linux: the receiver then cannot tell workers apart.
func socketOwner(client, server *net.TCPAddr, pids []int) int {
	inode := socketInode(client, server)
	if inode == "" {
		return 0
	}
	want := "socket:[" + inode + "]"
	for _, pid := range pids {
		fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
		for _, fd := range fds {
			if link, err := os.Readlink(fd); err == nil && link == want {
				return pid
			}
		}
	}
	return 0
}

// socketInode is the inode of the IPv4 socket whose local end is client
// and remote end server, from /proc/net/tcp.
func socketInode(client, server *net.TCPAddr) string {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return ""
	}
	defer f.Close()
	local, remote := procAddr(client), procAddr(server)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) > 9 && fields[1] == local && fields[2] == remote {
			return fields[9]
		}
	}
	return ""
}

// procAddr writes a as /proc/net/tcp does: the IPv4 address as a
// little-endian hex word, then the port in hex.
func procAddr(a *net.TCPAddr) string {
	ip := a.IP.To4()
	if ip == nil {
		return ""
	}
	return fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], a.Port)
}
