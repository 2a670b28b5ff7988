# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter the endpoint role asks for a router of a cloud inventory (dmvpn_clouds: two or
more DMVPN clouds per router, dmvpn_core/clouds.py): what it hands dmvpn.vyos.dmvpn's
``endpoints`` and ``absent_tunnels``. It only computes, never touches a router."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.dmvpn.vyos.plugins.filter.dmvpn import _plain, dmvpn_endpoint
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import clouds as cl


def dmvpn_endpoint_clouds(hostvars, host, endpoint=None, role=None, present=True):
    """``{endpoints, absent_tunnels}`` of ``host`` when it is a router of a cloud inventory
    (``endpoint``: what site.yml computed for it, dmvpn_networks_check), None otherwise (the
    role then passes ``config``). ``present=False``: every cloud's tunnel name, for
    ``state: deleted``. ``role``: checked against the router's dmvpn_role, as dmvpn_endpoint does."""
    host = str(host)
    hv = hostvars[host]
    clouds = _plain(hv.get(cl.CLOUDS))
    if not present:
        if not clouds:
            return None
        dmvpn_endpoint(hostvars, None, host, role=role, present=False)  # (the role check)
        own = {cl.CLOUDS: clouds}
        if hv.get("dmvpn_tunnel_name") is not None:
            own["dmvpn_tunnel_name"] = _plain(hv.get("dmvpn_tunnel_name"))
        names = []
        for cloud in sorted(clouds):
            if cl.tunnel_name(own, cloud) not in names:
                names.append(cl.tunnel_name(own, cloud))
        return {"endpoints": [{"tunnel": {"name": name}} for name in names], "absent_tunnels": []}
    endpoint = _plain(endpoint)
    if isinstance(endpoint, dict) and "endpoints" in endpoint:
        return dmvpn_endpoint(hostvars, None, host, role=role, endpoint=endpoint)
    if clouds:
        raise AnsibleFilterError(
            "%s is a router of a cloud inventory (dmvpn_clouds): its endpoints come from the inventory check of "
            "playbooks/site.yml (dmvpn_endpoint_config), which this run did not compute. Run playbooks/site.yml "
            "(any --limit and --tags keep that check)" % host)
    return None


class FilterModule(object):
    def filters(self):
        return {"dmvpn_endpoint_clouds": dmvpn_endpoint_clouds}
