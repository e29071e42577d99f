"""Writes /work/blind4/gold/*.json from the hand annotations below (release text only)."""
import json, os
SEL = dict(l.rstrip('\n').split('\t') for l in open('/work/blind4/work/selection.tsv'))
G = {}
def gold(stem, ents, rels):
    G[stem] = (ents, rels)
def E(label, typ, *aliases):
    return {"label": label, "type": typ, "aliases": list(aliases)}

# Mullen "About" block shared by e02, e09, e10 (same choices as c02 / b09)
def mullen_about():
    return [
        E("Mullen Automotive", "Company", "Mullen Automotive Inc.", "Mullen"),
        E("IRS", "Company"),
        E("California Air Resource Board", "Company", "CARB", "California Air Resource Board (CARB)"),
        E("EPA", "Company"),
        E("Papé Kenworth", "Company"),
        E("Pritchard EV", "Company"),
        E("National Auto Fleet Group", "Company"),
        E("Ziegler Truck Group", "Company"),
        E("Range Truck Group", "Company"),
        E("Eco Auto", "Company"),
        E("Randy Marion Auto Group", "Company"),
        E("Mullen ONE", "Product"),
        E("Mullen THREE", "Product"),
        E("HVIP", "Initiative"),
        E("Southern California", "Place"),
        E("United States", "Place", "U.S."),
        E("Tunica", "Place"),
        E("Mississippi", "Place"),
        E("Mishawaka", "Place"),
        E("Indiana", "Place"),
        E("Midwest", "Place"),
        E("West Coast", "Place"),
        E("Pacific Northwest", "Place"),
        E("New England", "Place"),
        E("Mid-Atlantic", "Place"),
    ]
MULLEN_RELS = [
    ["Mullen Automotive", "produces", "Mullen ONE"],
    ["Mullen Automotive", "produces", "Mullen THREE"],
    ["Mullen Automotive", "headquarteredIn", "Southern California"],
    ["Mullen Automotive", "activeIn", "commercial electric vehicles"],
]

gold("e01_ryvid_outset_motorcycle", [
    E("Ryvid", "Company"),
    E("ASI", "Company"),
    E("Dong Tran", "Person", "Tran"),
    E("Ryvid Outset", "Product", "Outset", "Ryvid Outset Electric Motorcycle", "New Ryvid Outset Electric Motorcycle"),
    E("Ryvid Anthem", "Product", "Anthem", "Ryvid Anthem Electric Motorcycles", "Anthem Electric"),
    E("Power Controller Upgrade", "Product", "ASI controller"),
    E("Dunlop Mutant", "Product", "Dunlop Mutant tires"),
    E("Continental Synchroforce Carbon", "Product", "Continental Synchroforce Carbon drive belt"),
    E("Ryvid Reverse Gear", "Technology"),
    E("Urban Dynamometer Driving Schedule", "Technology"),
    E("Electric Light Vehicles", "Sector", "light electric mobility", "light electric mobility sector"),
    E("electric motorcycles", "Sector", "electric motorcycle"),
    E("California", "Place", "CA"),
    E("San Bernardino", "Place"),
], [
    ["Ryvid", "launched", "Ryvid Outset"],
    ["Ryvid", "produces", "Ryvid Outset"],
    ["Ryvid", "produces", "Ryvid Anthem"],
    ["ASI", "produces", "Power Controller Upgrade"],
    ["Ryvid", "develops", "Ryvid Reverse Gear"],
    ["Ryvid Outset", "usesTechnology", "Ryvid Reverse Gear"],
    ["Dong Tran", "worksFor", "Ryvid"],
    ["Ryvid", "headquarteredIn", "California"],
    ["Ryvid", "activeIn", "Electric Light Vehicles"],
    ["Ryvid", "activeIn", "electric motorcycles"],
])

gold("e02_mullen_bollinger_b4_tec", mullen_about() + [
    E("Bollinger Motors", "Company", "Bollinger"),
    E("TEC Equipment", "Company"),
    E("Bollinger B4", "Product", "B4", "2025 Bollinger B4", "Bollinger B4 electric trucks"),
    E("commercial electric vehicles", "Sector", "commercial electric vehicles (EVs)"),
    E("EV commercial truck market", "Sector", "EV commercial truck"),
    E("Washington", "Place"),
    E("California", "Place"),
], MULLEN_RELS + [
    ["Bollinger Motors", "subsidiaryOf", "Mullen Automotive"],
    ["Bollinger Motors", "produces", "Bollinger B4"],
    ["Bollinger Motors", "activeIn", "EV commercial truck market"],
])

gold("e03_vw_ev_plants_halt", [
    E("Volkswagen", "Company", "VW"),
    E("Massimo Group", "Company"),
    E("automaker", "Sector", "carmaker"),
    E("Zwickau", "Place"),
    E("Dresden", "Place"),
    E("Osnabrück", "Place", "Osnabruck"),
    E("Lower Saxony", "Place"),
], [
    ["Volkswagen", "activeIn", "automaker"],
])

gold("e04_door2door_flights_ces", [
    E("Door 2 Door Flights", "Company", "Door 2 Door"),
    E("Prime Time Shuttle", "Company"),
    E("Waymo", "Company"),
    E("Seeker", "Company"),
    E("Tesla", "Company"),
    E("Rattan Joea", "Person", "Rattan Joe", "Rattan", "Joea"),
    E("CES 2025", "Event", "CES"),
    E("travel industry", "Sector", "travel"),
    E("travel tech industry", "Sector", "travel tech"),
    E("autonomous driving", "Sector"),
    E("automotive", "Sector", "automotive giant"),
    E("electric vehicle market", "Sector", "electric vehicle"),
    E("Los Angeles", "Place"),
    E("California", "Place", "CA"),
    E("Tokyo", "Place"),
    E("Toronto", "Place"),
    E("India", "Place"),
    E("Las Vegas", "Place"),
    E("Los Angeles International Airport", "Place", "LAX", "Los Angeles International Airport (LAX)"),
], [
    ["Door 2 Door Flights", "partnerOf", "Prime Time Shuttle"],
    ["Rattan Joea", "worksFor", "Door 2 Door Flights"],
    ["Prime Time Shuttle", "headquarteredIn", "Los Angeles"],
    ["Door 2 Door Flights", "activeIn", "travel industry"],
    ["Door 2 Door Flights", "activeIn", "travel tech industry"],
    ["Waymo", "activeIn", "autonomous driving"],
    ["Seeker", "activeIn", "automotive"],
    ["Seeker", "activeIn", "electric vehicle market"],
])

gold("e05_uppsala_ai_battery", [
    E("Uppsala University", "Company"),
    E("Ångström Advanced Battery Center", "Company", "Angstrom Advanced Battery Center"),
    E("Daniel Brandell", "Person", "Prof. Daniel Brandell"),
    E("Bollinger Innovations", "Company", "Bollinger Innovations, Inc."),
    E("electric vehicles", "Sector", "EV makers", "EV maker"),
], [
    ["Ångström Advanced Battery Center", "subsidiaryOf", "Uppsala University"],
    ["Daniel Brandell", "worksFor", "Uppsala University"],
    ["Daniel Brandell", "worksFor", "Ångström Advanced Battery Center"],
    ["Bollinger Innovations", "activeIn", "electric vehicles"],
])

gold("e06_khalifa_university_exhibition", [
    E("Khalifa University", "Company", "Khalifa University of Science and Technology"),
    E("Khalifa University Enterprises Company", "Company", "KUEC", "Khalifa University Enterprises Company (KUEC)"),
    E("Abu Dhabi Heritage Authority", "Company"),
    E("Abu Dhabi Department of Education and Knowledge", "Company", "ADEK", "Abu Dhabi Department of Education and Knowledge (ADEK)"),
    E("Bayanat", "Company"),
    E("UAE Government", "Company"),
    E("Saif Bin Zayed Academy for Police and Security Sciences", "Company"),
    E("Hamed bin Zayed Al Nahyan", "Person", "Sheikh Hamed bin Zayed Al Nahyan", "Hamed bin Zayed"),
    E("Faris Khalaf Al Mazrouei", "Person", "Major General Faris Khalaf Al Mazrouei"),
    E("Sarah Musallam", "Person"),
    E("Hassan Ahmed Al Hosani", "Person"),
    E("Mohammed Al Kuwaiti", "Person"),
    E("Thani Butti Al Shamsi", "Person", "Major General Thani Butti Al Shamsi"),
    E("Homaid Al Shimmari", "Person"),
    E("Ebrahim Al Hajri", "Person", "Prof Ebrahim Al Hajri"),
    E("Khalifa University Research and Innovation Exhibition 2025", "Event", "Khalifa University Research and Innovation Exhibition"),
    E("UAE Innovates 2025", "Event", "UAE Innovates"),
    E("Kumrah AI", "Technology"),
    E("SAVE Software", "Technology"),
    E("Pregnancy Risk Assessment Monitoring System", "Technology", "PRAMS", "Pregnancy Risk Assessment Monitoring System (PRAMS)"),
    E("Rad-ID", "Technology"),
    E("Cancer Multi-Omics Atlas", "Technology", "Cancer Multi-Omics Atlas: A Platform for Precision Oncology"),
    E("IgenRare", "Technology", "IgenRare: AI Assistant Tool for Rare Genetic Diseases"),
    E("Emirati Reference Genome Project", "Initiative", "ERGP", "Emirati Reference Genome Project (ERGP)"),
    E("Biomedical Science Discovery (BISDI) Program", "Initiative", "BISDI", "Biomedical Science Discovery", "The Biomedical Science Discovery (BISDI) Program"),
    E("AgriTech 4", "Initiative"),
    E("Abu Dhabi", "Place"),
    E("UAE", "Place"),
], [
    ["Hamed bin Zayed Al Nahyan", "worksFor", "Khalifa University"],
    ["Faris Khalaf Al Mazrouei", "worksFor", "Abu Dhabi Heritage Authority"],
    ["Sarah Musallam", "worksFor", "Abu Dhabi Department of Education and Knowledge"],
    ["Hassan Ahmed Al Hosani", "worksFor", "Bayanat"],
    ["Mohammed Al Kuwaiti", "worksFor", "UAE Government"],
    ["Thani Butti Al Shamsi", "worksFor", "Saif Bin Zayed Academy for Police and Security Sciences"],
    ["Homaid Al Shimmari", "worksFor", "Khalifa University"],
    ["Ebrahim Al Hajri", "worksFor", "Khalifa University"],
    ["Khalifa University Research and Innovation Exhibition 2025", "organizedBy", "Khalifa University"],
])

gold("e07_getaway_space_ev_lounge", [
    E("Getaway Space", "Company", "Getaway"),
    E("StartEngine", "Company"),
    E("International Energy Agency", "Company", "IEA", "International Energy Agency (IEA)"),
    E("McKinsey & Company", "Company"),
    E("Wall Street Journal", "Company", "The Wall Street Journal"),
    E("Department of Energy", "Company"),
    E("Urth Caffé", "Company", "Urth", "Urth Caffe"),
    E("Tesla Inc", "Company", "Tesla"),
    E("ChargePoint Holdings Inc", "Company", "ChargePoint"),
    E("EVgo Inc", "Company", "EVgo"),
    E("CleanTech Alliance", "Alliance"),
    E("Sustain Southern California", "Company", "Sustain SoCal", "Sustain Southern California (Sustain SoCal)"),
    E("electric-vehicle charging", "Sector", "EV charging", "electric-vehicle charging ecosystem", "EV charging infrastructure"),
    E("equity crowdfunding", "Sector"),
    E("coffeehouse", "Sector", "European-style coffeehouse"),
    E("China", "Place"),
    E("Europe", "Place"),
    E("United States", "Place", "U.S."),
    E("Los Angeles", "Place", "Los Angeles area", "Downtown Los Angeles"),
    E("Commerce", "Place"),
    E("California", "Place"),
], [
    ["Getaway Space", "partnerOf", "Urth Caffé"],
    ["Getaway Space", "partnerOf", "Sustain Southern California"],
    ["Urth Caffé", "headquarteredIn", "Los Angeles"],
    ["Getaway Space", "activeIn", "electric-vehicle charging"],
    ["StartEngine", "activeIn", "equity crowdfunding"],
    ["Urth Caffé", "activeIn", "coffeehouse"],
])

gold("e08_ilika_goliath_p1", [
    E("Ilika", "Company", "Ilika Plc"),
    E("Proactive", "Company"),
    E("Graeme Purdy", "Person", "Purdy"),
    E("Steve Darling", "Person"),
    E("Goliath", "Technology", "Goliath EV battery"),
    E("P1", "Technology", "P1 prototype", "P1 Goliath", "P1 pouch cells"),
    E("P2", "Technology", "P2 prototypes", "Goliath MVP"),
    E("solid-state pouch cells", "Technology", "solid-state pouch cell"),
    E("NMC cathode", "Technology", "NMC"),
    E("silicon anode", "Technology"),
    E("electric vehicle battery", "Sector", "electric vehicle battery sector", "EV battery"),
], [
    ["Graeme Purdy", "worksFor", "Ilika"],
    ["Steve Darling", "worksFor", "Proactive"],
    ["Ilika", "develops", "Goliath"],
    ["Ilika", "develops", "P1"],
    ["Ilika", "develops", "P2"],
    ["Ilika", "develops", "solid-state pouch cells"],
    ["Ilika", "activeIn", "electric vehicle battery"],
])

gold("e09_mullen_three_westland_floral", mullen_about() + [
    E("Westland Floral", "Company"),
    E("Phenix Truck Bodies", "Company"),
    E("Pritchard Commercial", "Company"),
    E("commercial electric vehicles", "Sector", "commercial electric vehicles (EVs)"),
    E("California", "Place"),
], MULLEN_RELS)

gold("e10_mullen_bollinger_95_percent", mullen_about() + [
    E("Bollinger Motors", "Company", "Bollinger"),
    E("B4 Chassis Cab", "Product", "B4", "all-electric B4 Chassis Cab"),
    E("commercial electric vehicles", "Sector", "commercial electric vehicles (EVs)", "commercial EV space", "commercial EV"),
], MULLEN_RELS + [
    ["Bollinger Motors", "subsidiaryOf", "Mullen Automotive"],
    ["Bollinger Motors", "produces", "B4 Chassis Cab"],
])

gold("e11_silver_prices_miners", [
    E("Silver Institute", "Company"),
    E("Sprott", "Company"),
    E("Silvercorp Metals Inc.", "Company", "Silvercorp", "Silvercorp Metals"),
    E("Adventus Mining Corp.", "Company", "Adventus", "Adventus Mining"),
    E("Pan American Silver Corp.", "Company", "Pan American", "Pan American Silver"),
    E("Zijin Mining", "Company"),
    E("New Pacific Metals Corp.", "Company", "New Pacific", "New Pacific Metals"),
    E("Endeavour Silver Corp.", "Company", "Endeavour Silver"),
    E("SPDR Gold Shares ETF", "Product", "SPDR Gold Shares"),
    E("investment management", "Sector", "investment manager"),
    E("silver mining", "Sector", "silver producer", "silver producers", "silver miner", "silver miners"),
    E("gold mining", "Sector", "gold mines"),
    E("El Domo", "Place", "El Domo copper-gold project"),
    E("La Arena", "Place", "La Arena project"),
    E("Silver Sand", "Place", "Silver Sand project"),
    E("Carangas", "Place"),
    E("Vancouver", "Place"),
    E("Canada", "Place"),
    E("Ecuador", "Place"),
    E("Peru", "Place"),
    E("Bolivia", "Place"),
    E("South America", "Place"),
    E("United States", "Place"),
    E("Mexico", "Place"),
    E("Chile", "Place"),
], [
    ["Silvercorp Metals Inc.", "headquarteredIn", "Vancouver"],
    ["Sprott", "activeIn", "investment management"],
    ["Silvercorp Metals Inc.", "activeIn", "silver mining"],
    ["Pan American Silver Corp.", "activeIn", "silver mining"],
    ["Pan American Silver Corp.", "activeIn", "gold mining"],
    ["Endeavour Silver Corp.", "activeIn", "silver mining"],
])

gold("e12_flash_vantage_spv", [
    E("Flash", "Company"),
    E("Vantage Infrastructure", "Company", "Vantage"),
    E("Evercore", "Company"),
    E("Cadwalader, Wickersham & Taft LLP", "Company", "Cadwalader, Wickersham & Taft"),
    E("Steptoe LLP", "Company", "Steptoe"),
    E("Chris Donus", "Person"),
    E("Nick Cleary", "Person"),
    E("Flash platform", "Technology", "Flash’s platform"),
    E("parking", "Sector", "parking technology", "parking industry", "parking technologies"),
    E("EV charging", "Sector", "EV charging infrastructure"),
    E("infrastructure investment", "Sector", "infrastructure credit fund", "infrastructure credit"),
    E("Europe", "Place"),
    E("North America", "Place"),
    E("Australia", "Place"),
], [
    ["Flash", "partnerOf", "Vantage Infrastructure"],
    ["Chris Donus", "worksFor", "Flash"],
    ["Nick Cleary", "worksFor", "Vantage Infrastructure"],
    ["Flash", "develops", "Flash platform"],
    ["Flash", "activeIn", "parking"],
    ["Flash", "activeIn", "EV charging"],
    ["Vantage Infrastructure", "activeIn", "infrastructure investment"],
])

gold("e13_vinfast_vf8_second_car", [
    E("VinFast", "Company"),
    E("VF 8", "Product"),
    E("Child Presence Detection", "Technology", "Child Presence Detection system"),
], [
    ["VinFast", "produces", "VF 8"],
    ["VF 8", "usesTechnology", "Child Presence Detection"],
])

gold("e14_dfw_museum_ferrari_sf90", [
    E("DFW Car and Toy Museum", "Company", "DFW Car & Toy Museum", "DFW Elite Toy Museum"),
    E("Scuderia Ferrari", "Company"),
    E("Ferrari", "Brand"),
    E("Ron Sturgeon", "Person"),
    E("Ferrari SF90 Stradale", "Product", "SF90 Stradale", "2022 Ferrari SF90 Stradale", "2022 SF90 Stradale", "SF90", "Ferrari SF90"),
    E("F154 FA V8", "Technology", "F154 FA V8 engine"),
    E("electronic Side Slip Control", "Technology", "eSSC", "electronic Side Slip Control (eSSC)"),
    E("electric traction control", "Technology", "eTC", "electric traction control (eTC)"),
    E("manettino", "Technology", "manettino driving-mode selector"),
    E("car storage", "Sector", "climate-controlled car storage"),
    E("Fort Worth", "Place"),
    E("Texas", "Place", "TX"),
    E("Haltom City", "Place"),
    E("North Fort Worth", "Place"),
], [
    ["Ferrari", "produces", "Ferrari SF90 Stradale"],
    ["Ferrari", "develops", "manettino"],
    ["Ferrari SF90 Stradale", "usesTechnology", "F154 FA V8"],
    ["Ferrari SF90 Stradale", "usesTechnology", "electronic Side Slip Control"],
    ["Ferrari SF90 Stradale", "usesTechnology", "electric traction control"],
    ["Ferrari SF90 Stradale", "usesTechnology", "manettino"],
    ["Ron Sturgeon", "worksFor", "DFW Car and Toy Museum"],
    ["DFW Car and Toy Museum", "headquarteredIn", "North Fort Worth"],
    ["DFW Car and Toy Museum", "activeIn", "car storage"],
])

os.makedirs('/work/blind4/gold', exist_ok=True)
for stem, (ents, rels) in G.items():
    out = {"file": stem + ".md", "sources": [SEL[stem]], "entities": ents, "relations": rels}
    with open(f'/work/blind4/gold/{stem}.json', 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, indent=2)
        f.write('\n')
print(len(G), 'gold files')
