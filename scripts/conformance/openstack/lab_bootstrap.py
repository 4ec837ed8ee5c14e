"""Creates what the conformance lab needs through the OpenStack APIs, in one process.

  identity:  the service project and users, the nodepool project and user, the catalog
             (compute, image, network and placement; compute and network also get an
             'internal' endpoint on a proxy port the conformance tests run)
  resources: flavors, an image, the shared tenant network and, for L3 runs, an external
             network with a router between them
Idempotent: what exists is left as it is.
"""
import io
import os
import sys
import time

import openstack

H = os.environ.get('LAB_HOST', '127.0.0.1')
P = os.environ.get('LAB_PASS', 'labpass')
PROXY = {'compute': 18774, 'network': 19696}
SERVICES = {
    'nova': ('compute', 8774, '/v2.1'),
    'glance': ('image', 9292, ''),
    'neutron': ('network', 9696, ''),
    'placement': ('placement', 8778, ''),
}


def admin():
    return openstack.connect(auth_url=f'http://{H}:5000/v3', username='admin', password=P, project_name='admin',
                             user_domain_name='Default', project_domain_name='Default', region_name='RegionOne',
                             identity_api_version='3')


def one(found):
    return next(iter(found), None)


def identity(conn):
    idn = conn.identity
    admin_role = one(idn.roles(name='admin'))
    member = one(idn.roles(name='member'))
    service = one(idn.projects(name='service')) or idn.create_project(name='service', domain_id='default')
    for user in SERVICES:
        u = one(idn.users(name=user)) or idn.create_user(name=user, password=P, domain_id='default')
        idn.assign_project_role_to_user(service, u, admin_role)
    project = one(idn.projects(name='nodepool')) or idn.create_project(name='nodepool', domain_id='default')
    u = one(idn.users(name='nodepool')) or idn.create_user(name='nodepool', password=P, domain_id='default',
                                                          default_project_id=project.id)
    idn.assign_project_role_to_user(project, u, member)
    for name, (kind, port, suffix) in SERVICES.items():
        svc = one(idn.services(type=kind)) or idn.create_service(name=name, type=kind)
        existing = {e.interface for e in idn.endpoints(service_id=svc.id)}
        for interface in ('public', 'admin', 'internal'):
            if interface in existing:
                continue
            p = PROXY.get(kind, port) if interface == 'internal' else port
            idn.create_endpoint(service_id=svc.id, interface=interface, url=f'http://{H}:{p}{suffix}',
                                region_id='RegionOne')


def resources(conn):
    compute, image, net = conn.compute, conn.image, conn.network
    flavors = {f.name for f in compute.flavors()}
    for name, vcpus, ram, disk in [('m1.tiny', 1, 512, 1), ('m1.small', 1, 2048, 20), ('m1.medium', 2, 4096, 40),
                                   ('lab.novalidhost', 1, 512, 1_000_000)]:
        if name not in flavors:
            compute.create_flavor(name=name, vcpus=vcpus, ram=ram, disk=disk, is_public=True)
    if not one(image.images(name='cirros-fake')):
        img = image.create_image(name='cirros-fake', disk_format='raw', container_format='bare', visibility='public',
                                 data=io.BytesIO(os.urandom(1024 * 1024)), validate_checksum=False)
        for _ in range(120):
            if image.get_image(img.id).status == 'active':
                break
            time.sleep(0.5)
        else:
            raise SystemExit('lab: image cirros-fake never became active')
    lab = one(net.networks(name='lab-net')) or net.create_network(
        name='lab-net', shared=True, provider_network_type='flat', provider_physical_network='physnet-lab')
    subnet = one(net.subnets(name='lab-subnet')) or net.create_subnet(
        name='lab-subnet', network_id=lab.id, ip_version=4, cidr='192.0.2.0/24', enable_dhcp=False)
    ext = one(net.networks(name='lab-ext')) or net.create_network(
        name='lab-ext', is_router_external=True, provider_network_type='flat', provider_physical_network='physnet-ext')
    if not one(net.subnets(name='lab-ext-subnet')):
        net.create_subnet(name='lab-ext-subnet', network_id=ext.id, ip_version=4, cidr='198.51.100.0/24',
                          enable_dhcp=False)
    router = one(net.routers(name='lab-router'))
    if router is None:
        router = net.create_router(name='lab-router', external_gateway_info={'network_id': ext.id})
        net.add_interface_to_router(router, subnet_id=subnet.id)


if __name__ == '__main__':
    {'identity': identity, 'resources': resources}[sys.argv[1]](admin())
