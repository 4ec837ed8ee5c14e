"""An ML2 mechanism driver for the conformance lab: binds every port on any host.

The lab runs neutron-server alone, without agents, so no stock mechanism driver can bind a
port; Nova's fake virt driver needs bound ports to boot servers on networks.
"""
from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api


class LabBindAllMechanismDriver(api.MechanismDriver):
    def initialize(self):
        # Zed without the port-forwarding plugin: the Port.port_forwardings backref exists only
        # once SQLAlchemy's mappers are configured; a worker whose first query is a port list
        # fails otherwise (AttributeError). Configure them before the workers fork.
        import sqlalchemy.orm
        from neutron.db.models import port_forwarding  # noqa: F401
        sqlalchemy.orm.configure_mappers()

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OVS,
                                {portbindings.CAP_PORT_FILTER: False},
                                status=constants.PORT_STATUS_ACTIVE)
            return
