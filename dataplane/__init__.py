"""The dataplane lab: proof that the DMVPN the collection configures carries encrypted
traffic, on VMs running the Linux, FRR and strongSwan that VyOS 1.5 runs (see dataplane/README.md)."""
